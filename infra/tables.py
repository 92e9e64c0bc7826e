"""DynamoDB tables, built from the PynamoDB models (one definition, no drift)."""

from __future__ import annotations

from typing import Any, cast

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from pynamodb.models import Model

from functions.common.tables import base_name, table_name, ttl_attribute
from functions.tables import TABLE_MODELS

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


def _key(schema: dict[str, Any], key_type: str) -> dynamodb.Attribute | None:
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    for key in schema["key_schema"]:
        if key["KeyType"] == key_type:
            name = key["AttributeName"]
            return dynamodb.Attribute(name=name, type=_TYPES[types[name]])
    return None


def _projection(index: Any) -> dynamodb.ProjectionType:
    return {
        "ALL": dynamodb.ProjectionType.ALL,
        "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    }[index["projection"]["ProjectionType"]]


class Tables(Construct):
    """Every table of ``TABLE_MODELS``: on demand, PITR, deletion protection, TTL, encrypted."""

    def __init__(self, scope: Construct, construct_id: str, *, prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.by_name: dict[str, dynamodb.Table] = {}
        for model in TABLE_MODELS:
            self.by_name[base_name(model)] = self._table(model, prefix)

    def _table(self, model: type[Model], prefix: str) -> dynamodb.Table:
        schema = cast(dict[str, Any], model._get_schema())
        table = dynamodb.Table(
            self,
            base_name(model).title().replace("-", ""),
            table_name=table_name(model, prefix),
            partition_key=_key(schema, "HASH"),
            sort_key=_key(schema, "RANGE"),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=ttl_attribute(model),
            removal_policy=RemovalPolicy.RETAIN,
        )
        types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        for index in schema.get("global_secondary_indexes", []):
            keys = {k["KeyType"]: k["AttributeName"] for k in index["key_schema"]}
            sort = keys.get("RANGE")
            table.add_global_secondary_index(
                index_name=index["index_name"],
                partition_key=dynamodb.Attribute(
                    name=keys["HASH"], type=_TYPES[types[keys["HASH"]]]
                ),
                sort_key=dynamodb.Attribute(name=sort, type=_TYPES[types[sort]]) if sort else None,
                projection_type=_projection(index),
            )
        return table
