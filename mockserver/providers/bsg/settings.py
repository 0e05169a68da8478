"""bsg's own settings, per tenant (`PUT /__mock/bsg/settings`; reset clears them): what a BSG account sets in
its personal area, and the mock's own knobs for this provider. Each is a JSON schema with its type, default,
meaning and bounds; the control contract, `--set bsg.<name>=...` and the plugin's `mockserver_set` are made
from these (mockserver.provider_settings)."""

SETTINGS = {
    "rcs_callback_url": {
        "type": ["string", "null"], "maxLength": 2048, "pattern": "^https?://", "default": None,
        "description": "the account's \"Callback URL For RCS\" (the RCS introduction): every message status "
                       "change is POSTed there as the documented report; null: none",
    },
    "moderation_seconds": {
        "type": "number", "minimum": 0, "maximum": 31536000, "default": 60,
        "description": "how long a new campaign stays in moderation, in seconds of tenant clock (ASSUMPTION: "
                       "BSG moderates by hand and names no duration; a minute keeps tests short)",
    },
}
