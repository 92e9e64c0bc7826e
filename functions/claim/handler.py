"""Lambda entry points of the claim domain: the API and pages, the daily email job, and
the SES events consumer."""

from functions.claim import emailjob, events, routes
from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler

routers = routes.routers
API_NEEDS = ("public_url",)  # claim pages link to themselves
JOB_NEEDS = ("public_url", "mail_from", "ses_configuration_set")  # the emails and their links
lambda_handler = api_handler("claim", routers, needs=API_NEEDS)
job_handler = make_job_handler(
    "claim", {"unclaimed-email": emailjob.unclaimed_email}, needs=JOB_NEEDS
)
# SES bounce and complaint events, delivered by SQS (subscribed to the SES event topic).
events_handler = make_job_handler(
    "claim", {"email-events": events.email_events}, default_job="email-events"
)
