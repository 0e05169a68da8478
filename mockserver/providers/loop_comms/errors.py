"""loop-comms speaks the Loop platform's `{error, message}`."""

from mockserver.errors import ApiError, CodeMessageErrors

ERRORS = CodeMessageErrors(unauthorized_code="invalid_token")


def campaign_not_found(campaign_id: str) -> ApiError:
    return ERRORS.error(404, "not_found", f"Campaign {campaign_id} not found")


def refused(refusal: tuple[int, str, str], status: str) -> ApiError:
    code, error, message = refusal
    return ERRORS.error(code, error, message.format(status=status))
