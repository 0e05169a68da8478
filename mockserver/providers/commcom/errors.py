"""commcom speaks Laravel's defaults: `{"message"}`, and `{"message", "errors"}` on 422."""

from mockserver.errors import ApiError, LaravelErrors
from mockserver.providers.commcom import rules

def _model_not_found(name: str, value: str) -> str:
    return rules.MODEL_NOT_FOUND.format(model=rules.PATH_MODELS.get(name, name), id=value)


ERRORS = LaravelErrors(missing_text=_model_not_found)


def not_found(model: str, entity_id: str) -> ApiError:
    return ERRORS.not_found(rules.MODEL_NOT_FOUND.format(model=model, id=entity_id))


def stop_refused(status: str) -> ApiError:
    return ERRORS.unprocessable({"status": [rules.STOP_REFUSED.format(status=status)]})
