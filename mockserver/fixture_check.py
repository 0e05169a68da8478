"""Fixtures are checked once, at start: a tenant is built from them on its first call, so a fixture the
provider cannot use would otherwise start a server whose every call fails. The refusal is one line
naming the file, the entity and the reason. What the check builds is then kept, and shared by every
tenant copy-on-write (mockserver.overlay)."""

import random
from typing import Any

from mockserver.api import EntityRejected, Environment, Provider
from mockserver.clock import Clock
from mockserver.contracts import Contract
from mockserver.fixtures import FixtureError, FixtureTemplate
from mockserver.overlay import SharedEntities
from mockserver.settings import Settings
from mockserver.store import Collection


def _environment(settings: Settings) -> Environment:
    return Environment(Clock(), random.Random(0), settings)


def check_fixture(provider: Provider, template: FixtureTemplate, contract: Contract, settings: Settings) -> None:
    """Raises FixtureError naming the file, the entity and the reason. The whole file is built once, as a
    tenant builds it, and each entity's rendering checked against its contract; only when the build fails
    is it redone entity by entity, to name the culprit."""
    path = template.path
    try:
        backend = provider.backend(_environment(settings), template.fresh())
        dumped = backend.dump()
    except FixtureError:
        raise
    except Exception as error:  # noqa: BLE001 (any failure is the fixture's: say which entity and why)
        _find_culprit(provider, template, settings)
        raise FixtureError(f"{path}: unusable: {type(error).__name__}: {error}") from None
    for collection, ref in provider.collections.items():
        schema = contract.schema(ref)
        for rendered in dumped.get(collection, ()):
            if not schema.is_valid(rendered):
                reasons = "; ".join(f"{p.field or 'entity'}: {p.message}" for p in schema.problems(rendered))
                raise FixtureError(f"{path}: {collection} {rendered.get('id')!r}: {reasons}")
    template.share({name: _shared(collection) for name, collection in backend.collections.items()
                    if name in provider.collections})


def _shared(collection: Collection[Any]) -> SharedEntities[Any]:
    """What the check built, for every tenant to share (mockserver.overlay): the entities the clock does
    not move; of the others, the fixture fields, for each tenant to build on its own clock."""
    clocked = collection.fixture_fields
    static = {entity_id: entity for entity_id, entity in collection.entities.items() if entity_id not in clocked}
    indexes = {name: index.shared(clocked) for name, index in collection.indexes.items()}
    return SharedEntities(list(collection.entities), static, dict(clocked), indexes)


def _find_culprit(provider: Provider, template: FixtureTemplate, settings: Settings) -> None:
    """Each entity built alone, as a control-plane PUT builds it: the first one that fails is named."""
    path, data = template.path, template.fresh()
    shared = {key: value for key, value in data.items() if key not in provider.collections}
    try:
        backend = provider.backend(_environment(settings), shared)
    except Exception as error:  # noqa: BLE001
        raise FixtureError(f"{path}: unusable: {type(error).__name__}: {error}") from None
    for collection in provider.collections:
        for index, given in enumerate(data.get(collection, ())):
            if not isinstance(given, dict) or "id" not in given:
                raise FixtureError(f"{path}: {collection}[{index}]: an entity must be an object with an \"id\"")
            entity = f"{collection} {given['id']!r}"
            try:
                backend.put_entity(collection, str(given["id"]), given, lambda rendered: [])
            except EntityRejected as rejected:
                raise FixtureError(f"{path}: {entity}: {'; '.join(rejected.reasons)}") from None
            except Exception as error:  # noqa: BLE001
                raise FixtureError(f"{path}: {entity}: {type(error).__name__}: {error}") from None


def check_fixtures(providers: dict[str, Provider], templates: dict[str, FixtureTemplate],
                   contracts: dict[str, Contract], settings: Settings) -> None:
    for provider_id, template in templates.items():
        check_fixture(providers[provider_id], template, contracts[provider_id], settings)
