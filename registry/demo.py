"""The demo's published staff and organiser logins (printed by `make run`; never valid in
production).

The two-factor secret is fixed so a tester can add it to an authenticator app once and keep
using it after the demo's database is made again.
"""

DEMO_USERNAME = "staff"
DEMO_PASSWORD = "demo-staff-2026"  # noqa: S105 - the demo's published login, never production
DEMO_TOTP_SECRET = "FBJ4R4F37PVUEE5LJZYN7VPCFZXDL3BS"  # noqa: S105 - base32, published likewise

# A drive organiser (not staff): signs in on the organisers' pages, never the admin.
DEMO_ORGANISER_EMAIL = "organiser@registry.example"
DEMO_ORGANISER_NAME = "Ольга Организатор"
DEMO_ORGANISER_PASSWORD = "demo-organiser-2026"  # noqa: S105 - published like the staff login

# The demo's SMS callback path (SMS_WEBHOOK_SECRET), printed so a tester can post a reply.
DEMO_SMS_SECRET = "demo-sms-callback"  # noqa: S105 - published like the logins
