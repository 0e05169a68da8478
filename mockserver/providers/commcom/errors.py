"""commcom speaks Laravel's defaults: `{"message"}`, and `{"message", "errors"}` on 422."""

from mockserver.errors import ApiError, LaravelErrors
from mockserver.providers.commcom import rules

ERRORS = LaravelErrors()


def not_found(model: str, entity_id: str) -> ApiError:
    return ERRORS.not_found(rules.MODEL_NOT_FOUND.format(model=model, id=entity_id))


def stop_refused(status: str) -> ApiError:
    return ERRORS.unprocessable({"status": [rules.STOP_REFUSED.format(status=status)]})
