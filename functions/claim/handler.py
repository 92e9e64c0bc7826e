"""Lambda entry points of the claim domain: the API and pages, the daily email job, and
the SES events consumer."""

from functions.claim import emailjob, events, routes
from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler

routers = [routes.router]
lambda_handler = api_handler("claim", routers)
job_handler = make_job_handler("claim", {"unclaimed-email": emailjob.unclaimed_email})
# SES bounce and complaint events, delivered by SQS (subscribed to the SES event topic).
events_handler = make_job_handler(
    "claim", {"email-events": events.email_events}, default_job="email-events"
)
