"""The emulator's faster DynamoDB transactions keep DynamoDB's all-or-nothing answers."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from functions.core.models import LedgerItem


def put(account: str, sk: str, condition: bool = True) -> dict:
    request = {
        "Put": {
            "TableName": LedgerItem.Meta.table_name,
            "Item": {"account": {"S": account}, "sk": {"S": sk}, "amount": {"N": "1"}},
        }
    }
    if condition:
        request["Put"]["ConditionExpression"] = "attribute_not_exists(sk)"
    return request


def test_a_failed_condition_writes_nothing_and_names_its_item(aws):
    client = boto3.client("dynamodb", region_name="eu-west-1")
    client.transact_write_items(TransactItems=[put("a", "1")])
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(TransactItems=[put("b", "1"), put("a", "1"), put("c", "1")])
    error = raised.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    codes = [reason.get("Code") for reason in error["CancellationReasons"]]
    assert codes == ["None", "ConditionalCheckFailed", "None"]
    assert {item.account for item in LedgerItem.scan()} == {"a"}


def test_one_item_twice_is_a_validation_error(aws):
    client = boto3.client("dynamodb", region_name="eu-west-1")
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(TransactItems=[put("a", "1", False), put("a", "1", False)])
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert list(LedgerItem.scan()) == []


def test_updates_and_deletes_apply_together(aws):
    client = boto3.client("dynamodb", region_name="eu-west-1")
    client.transact_write_items(TransactItems=[put("a", "1"), put("b", "1")])
    table = LedgerItem.Meta.table_name
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": {"account": {"S": "a"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD amount :x",
                    "ExpressionAttributeValues": {":x": {"N": "5"}},
                }
            },
            {
                "Delete": {
                    "TableName": table,
                    "Key": {"account": {"S": "b"}, "sk": {"S": "1"}},
                    "ConditionExpression": "attribute_exists(sk)",
                }
            },
        ]
    )
    assert {(i.account, int(i.amount)) for i in LedgerItem.scan()} == {("a", 6)}
