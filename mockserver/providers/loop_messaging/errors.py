"""loop-messaging speaks the Loop platform's `{error, message, details}` (seed 004)."""

from mockserver.errors import ApiError, CodeMessageErrors, always
from mockserver.providers.loop_messaging import rules

ERRORS = CodeMessageErrors(unauthorized_code="invalid_token", with_details=True, missing_text=always(rules.NOT_FOUND))


def campaign_not_found(campaign_id: str) -> ApiError:
    return ERRORS.missing("id", campaign_id)


def bad_state(campaign_id: str, status: str, verb: str) -> ApiError:
    message = rules.BAD_STATE_MESSAGE.format(id=campaign_id, status=status, verb=verb)
    return ERRORS.error(412, rules.BAD_STATE, message, {"status": status})


def invalid_field(name: str, why: str) -> ApiError:
    return ERRORS.error(400, "validation_error", f"Invalid request: {name}: {why}", {name: why})
