"""bsg's own settings, per tenant (`PUT /__mock/bsg/settings`; reset clears them): what a BSG account sets in
its personal area. Each is a JSON schema with its default and meaning; the control contract is made from
these."""

SETTINGS = {
    "rcs_callback_url": {
        "type": ["string", "null"], "maxLength": 2048, "pattern": "^https?://", "default": None,
        "description": "the account's \"Callback URL For RCS\" (the RCS introduction): every message status "
                       "change is POSTed there as the documented report; null: none",
    },
    "moderation_seconds": {
        "type": ["number", "null"], "minimum": 0, "maximum": 31536000, "default": None,
        "description": "how long this tenant's new campaigns stay in moderation; null: the server's "
                       "--bsg-moderation-seconds",
    },
}
