"""loop-comms speaks the Loop platform's `{error, message}`."""

from mockserver.errors import ApiError, CodeMessageErrors, always
from mockserver.providers.loop_comms import rules

ERRORS = CodeMessageErrors(unauthorized_code="invalid_token", missing_text=always(rules.NOT_FOUND))


def campaign_not_found(campaign_id: str) -> ApiError:
    return ERRORS.missing("id", campaign_id)


def refused(refusal: tuple[int, str, str], status: str) -> ApiError:
    code, error, message = refusal
    return ERRORS.error(code, error, message.format(status=status))
