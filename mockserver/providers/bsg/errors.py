"""bsg speaks Laravel: `{"message"}`, and `{"message", "errors"}` on 422."""

from collections.abc import Iterable

from mockserver.errors import ApiError, LaravelErrors, always
from mockserver.providers.bsg import rules

ERRORS = LaravelErrors(missing_text=always(rules.NOT_FOUND_MESSAGE))


def campaign_not_found() -> ApiError:
    return ERRORS.not_found(rules.NOT_FOUND_MESSAGE)


def invalid_status(status: str, action: str, allowed: Iterable[str]) -> ApiError:
    why = rules.ALLOWED_MESSAGE.format(action=action, statuses=", ".join(f'"{s}"' for s in allowed))
    return ApiError(422, {"message": rules.INVALID_STATUS, "errors": [{"status": status, "message": why}]})
