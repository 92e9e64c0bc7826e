"""Lambda entry points of the payout domain: the profile and money API, and the money jobs.
Each is built when its Lambda asks for it (``lazy_handlers``)."""

from functions.common.handler import LambdaHandler, api_handler, lazy_handlers
from functions.common.handler import job_handler as make_job_handler  # not an entry point
from functions.payout import routes

routers = routes.routers


def _job() -> LambdaHandler:
    from functions.payout import expiry, monthly, statement_mail

    return make_job_handler(
        "payout",
        {
            "monthly-split": monthly.monthly_split_job,
            "split-close": monthly.split_close_job,
            "split-shard": monthly.split_shard_job,
            "split-credit": monthly.split_credit_job,
            "split-finish": monthly.split_finish_job,
            "expire-escrow": expiry.expire_escrow,
            "statement-email": statement_mail.statement_email_job,
        },
    )


__getattr__ = lazy_handlers(lambda_handler=lambda: api_handler("payout", routers), job_handler=_job)
