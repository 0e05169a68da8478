"""Calls the commcom tests share: campaigns through the API, sends through the control plane, the clock."""

import uuid

BASE = "/commcom/api/v1/sms/campaigns"
START = "2026-03-02T10:00:00.000Z"  # a Monday


def freeze(client, now: str = START) -> None:
    assert client.post("/__mock/clock", json={"freeze": True, "now": now}).status_code == 200


def advance(client, seconds: float) -> None:
    assert client.post("/__mock/clock", json={"advance": seconds}).status_code == 200


def new_campaign(client, name: str = "Promo") -> str:
    answer = client.post(BASE, json={"name": name})
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]["id"]


def put_send(client, campaign_id: str, meta: dict, status: str | None = None, send_id: str | None = None) -> dict:
    send_id = send_id or str(uuid.uuid4())
    fields = {"sms_campaign_id": campaign_id, "meta": meta}
    if status is not None:
        fields["status"] = status
    answer = client.put(f"/__mock/commcom/sends/{send_id}", json=fields)
    assert answer.status_code == 200, answer.text
    return answer.json()


def read_send(client, send_id: str) -> dict:
    answer = client.get(f"/__mock/commcom/sends/{send_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def stop(client, campaign_id: str, send_id: str):
    return client.post(f"{BASE}/{campaign_id}/stop/{send_id}")
