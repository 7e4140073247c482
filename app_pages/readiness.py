"""Council readiness: staff fill in the readiness self-assessment for a workshop, and see what
every member of staff said. Only facilitators and admins reach this page."""


from csc_dash.ui import accounts, shell
from csc_dash.ui.workshop import readiness_form

shell.page_header(
    "Council readiness",
    "A short form for council staff, kept with the workshop you choose below.",
)

roles, user = accounts.staff_only("This page is for council staff. Please sign in first.")
current = accounts.pick_staff_workshop(
    roles,
    user,
    none_yet="Start a workshop on the Facilitator page first. The form is kept with a workshop.",
)
readiness_form.readiness_form(current.id, user)
readiness_form.what_staff_said(current.id)
