"""Querysets the ORM compiles to SQL once per process, for the requests a surge is made of.

Building the SQL of a queryset with a select_related, an annotation or a lock cost the signing and
confirming requests more Python time than PostgreSQL spent running it. A `Compiled` query keeps
the SQL of one shape, the compiler's map of its columns and their converters, and each call only
runs the statement and builds the instances the way the ORM's own iterator does (select_related
objects attached, annotations set), so what the caller gets is what `.first()` would return.
"""

import functools
from collections.abc import Callable
from functools import partial

from django.db import connections, models
from django.db.models.query import get_related_populators


class Compiled:
    """`build(**placeholders)` is the queryset; `first(**values)` runs it with `values` in place.

    Each placeholder must reach the SQL as a parameter of its own, unchanged (an exact lookup):
    it is checked when the SQL is built. Values take their place as parameters, never as text.
    """

    def __init__(self, build: Callable[..., models.QuerySet], **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._plans: dict[str, _Plan] = {}

    def first(self, *, using: str = "default", **values) -> models.Model | None:
        if values.keys() != self.placeholders.keys():
            raise TypeError(f"expected values for {sorted(self.placeholders)}")
        plan = self._plans.get(using) or self._plan(using)
        params = [values[slot] if slot else value for slot, value in plan.params]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        return None if row is None else plan.instance(row, connection)

    def _plan(self, using: str) -> "_Plan":
        queryset = self.build(**self.placeholders).using(using)
        plan = self._plans[using] = _Plan(queryset, self.placeholders)
        return plan


class _Plan:
    def __init__(self, queryset: models.QuerySet, placeholders: dict):
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        slots = {id(value): name for name, value in placeholders.items()}
        self.params = [(slots.get(id(value), ""), value) for value in params]
        found = sorted(slot for slot, _value in self.params if slot)
        if found != sorted(placeholders):
            raise ValueError(f"placeholders {sorted(placeholders)} reached the SQL as {found}")
        self.sql = sql
        self.db = db
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )
        fields = klass_info["select_fields"]
        self.model_slice = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.model_slice]]
        self.from_db = partial(klass_info["model"].from_db, fetch_mode=queryset._fetch_mode)
        self.related = get_related_populators(klass_info, select, db, queryset._fetch_mode)
        self.annotations = list(compiler.annotation_col_map.items())

    def instance(self, row, connection) -> models.Model:
        if self.converters:
            row = list(row)
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        obj = self.from_db(self.db, self.init_list, row[self.model_slice])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


def save_fields(obj: models.Model, fields: list[str], *, using: str = "default") -> None:
    """`obj.save(update_fields=fields)` as one UPDATE whose SQL is built once per process and
    field list: for a model whose save() adds nothing for these fields and that no pre_save or
    post_save receiver listens to (the ORM's save checks, signals and compiles on every call)."""
    connection = connections[using]
    model_fields, sql = _update_sql(type(obj), tuple(fields), using)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in model_fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])


@functools.cache
def _update_sql(model, fields: tuple[str, ...], using: str) -> tuple[list, str]:
    meta = model._meta
    quote = connections[using].ops.quote_name
    model_fields = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return model_fields, f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
