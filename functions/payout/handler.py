"""Lambda entry points of the payout domain: the profile and money API, and the money jobs."""

from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler
from functions.payout import expiry, monthly, routes, statement_mail

routers = routes.routers
lambda_handler = api_handler("payout", routers)
job_handler = make_job_handler(
    "payout",
    {
        "monthly-split": monthly.monthly_split_job,
        "split-close": monthly.split_close_job,
        "split-shard": monthly.split_shard_job,
        "split-finish": monthly.split_finish_job,
        "expire-escrow": expiry.expire_escrow,
        "statement-email": statement_mail.statement_email_job,
    },
)
