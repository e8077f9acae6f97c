"""Writing one or more columns of many rows at once, by primary key.

Django's `bulk_update` builds a `CASE WHEN pk = ... THEN ...` of every row of a batch for each
column, and a `WHERE pk IN (...)`: compiling it costs Python time that grows with the batch, and
PostgreSQL evaluates the CASE for every row. On PostgreSQL this sends the values as arrays and
joins them instead (`UPDATE ... FROM unnest(...)`), a batch at a time; elsewhere it is
`bulk_update`. No signals are sent (as with `bulk_update`); callers that need them say so.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model

BATCH = 5000


def set_columns(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    using: str | None = None,
) -> None:
    """Write `fields` of `model` from `rows` of (pk, value of each field)."""
    if not rows:
        return
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    columns = [_field(model, name) for name in fields]
    if connection.vendor != "postgresql":
        objects = []
        for row in rows:
            obj = model(pk=row[0])
            for column, value in zip(columns, row[1:], strict=True):
                setattr(obj, column.attname, value)
            objects.append(obj)
        model._default_manager.using(alias).bulk_update(objects, list(fields), batch_size=BATCH)
        return
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    names = ["id", *(f"v{n}" for n in range(len(columns)))]
    types = [pk.rel_db_type(connection) or "bigint"] + [
        f.db_type(connection) or "text" for f in columns
    ]
    sets = ", ".join(f"{quote(str(f.column))} = v.v{n}" for n, f in enumerate(columns))
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    # The table, column and type names are the model's own.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {sets}"  # noqa: S608
        f" FROM unnest({arrays}) AS v({', '.join(names)})"
        f" WHERE t.{quote(str(pk.column))} = v.id"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(sql, [[row[n] for row in batch] for n in range(len(names))])


def _field(model: type[Model], name: str) -> "Field[Any, Any]":
    field = model._meta.get_field(name)
    assert isinstance(field, Field), f"{name} is not a column of {model.__name__}"
    return field
