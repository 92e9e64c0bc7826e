"""Lambda entry points of the payout domain: the profile and money API, and the money jobs.
Each is built, and what it serves imported, when its Lambda asks for it
(``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers


def _api() -> LambdaHandler:
    from functions.common.handler import api_handler
    from functions.payout import routes

    return api_handler("payout", routes.routers)


def _job() -> LambdaHandler:
    from functions.common.handler import job_handler
    from functions.payout import expiry, monthly, statement_mail

    return job_handler(
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


__getattr__ = lazy_handlers(lambda_handler=_api, job_handler=_job)
