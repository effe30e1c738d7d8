"""The QBO query language: a parser and an executor over a realm's objects (reference §9).

``SELECT * | COUNT(*) | SELECT *, Sku | SELECT f, g FROM Entity [WHERE a op v AND ...]
[ORDERBY f [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]`` with ops = < > <= >= IN LIKE.
Keywords and entity names are case-insensitive; literals are single-quoted with backslash
escapes (``'Amy\\'s'``). OR is refused. Results follow the recordings: ``maxResults`` is the
number of rows returned, there is no ``totalCount`` except for COUNT(*), and a page past the
end is ``{}``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import faults, schema, timefmt
from .state import JSON, RealmState

MAX_RESULTS_LIMIT = 1000
DEFAULT_MAX_RESULTS = 100  # UNVERIFIED (reference §9)
KEYWORDS = {
    "select",
    "from",
    "where",
    "and",
    "or",
    "orderby",
    "asc",
    "desc",
    "startposition",
    "maxresults",
    "in",
    "like",
    "count",
    "true",
    "false",
    "order",
    "by",
}


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, number, op, punct, end
    text: str
    pos: int


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # = < > <= >= in like
    values: tuple[Any, ...]


@dataclass
class Query:
    entity: str
    count: bool = False
    fields: list[str] = field(default_factory=list)  # empty = all
    extra_fields: list[str] = field(default_factory=list)  # "*, Sku"
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    start: int = 1
    max_results: int = DEFAULT_MAX_RESULTS


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:\\.|[^'\\])*')
      | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<punct>[(),*])
      | (?P<word>[A-Za-z_][\w.]*)
    )""",
    re.VERBOSE,
)


def parse_error(text: str, pos: int, what: str) -> faults.QboFault:
    return faults.invalid_query(
        f'QueryParserError: Encountered "{what}" at line 1, column {pos + 1}. '
        f"Was expecting a valid query near: {text[pos : pos + 30]!r}"
    )


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise parse_error(text, start, text[start : start + 1])
        kind = match.lastgroup or "word"
        value = match.group(kind)
        tokens.append(Token(kind, value, match.start(kind)))
        pos = match.end()
    tokens.append(Token("end", "<EOF>", len(text)))
    return tokens


def unescape(literal: str) -> str:
    """``'Amy\\'s'`` → ``Amy's``; a backslash escapes the next character."""
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def next(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.lower() in words

    def expect_word(self, word: str) -> Token:
        token = self.next()
        if token.kind != "word" or token.text.lower() != word:
            raise parse_error(self.text, token.pos, token.text)
        return token

    def expect_punct(self, char: str) -> Token:
        token = self.next()
        if token.kind != "punct" or token.text != char:
            raise parse_error(self.text, token.pos, token.text)
        return token

    def integer(self) -> int:
        token = self.next()
        text = token.text
        if token.kind == "string":
            text = unescape(text)
        if not text.isdigit():
            raise parse_error(self.text, token.pos, token.text)
        return int(text)

    def literal(self) -> Any:
        token = self.next()
        if token.kind == "string":
            return unescape(token.text)
        if token.kind == "number":
            return Decimal(token.text)
        if token.kind == "word" and token.text.lower() in ("true", "false"):
            return token.text.lower() == "true"
        raise parse_error(self.text, token.pos, token.text)

    def parse(self) -> Query:
        self.expect_word("select")
        count = False
        fields: list[str] = []
        extra: list[str] = []
        star = False
        if self.is_word("count"):
            self.next()
            self.expect_punct("(")
            self.expect_punct("*")
            self.expect_punct(")")
            count = True
        else:
            while True:
                token = self.next()
                if token.kind == "punct" and token.text == "*":
                    star = True
                elif token.kind == "word" and token.text.lower() not in KEYWORDS:
                    (extra if star else fields).append(token.text)
                else:
                    raise parse_error(self.text, token.pos, token.text)
                if self.peek().kind == "punct" and self.peek().text == ",":
                    self.next()
                    continue
                break
            if star:
                extra += fields
                fields = []
        self.expect_word("from")
        entity_token = self.next()
        if entity_token.kind != "word":
            raise parse_error(self.text, entity_token.pos, entity_token.text)
        query = Query(entity=entity_token.text, count=count, fields=fields, extra_fields=extra)
        if self.is_word("where"):
            self.next()
            query.where.append(self.condition())
            while self.is_word("and", "or"):
                token = self.next()
                if token.text.lower() == "or":
                    raise faults.invalid_query(
                        f'QueryParserError: Encountered " <OR> "OR "" at line 1, column '
                        f"{token.pos + 1}. OR is not supported: run separate queries."
                    )
                query.where.append(self.condition())
        if self.is_word("orderby", "order"):
            if self.next().text.lower() == "order":
                self.expect_word("by")
            while True:
                token = self.next()
                if token.kind != "word":
                    raise parse_error(self.text, token.pos, token.text)
                descending = False
                if self.is_word("asc", "desc"):
                    descending = self.next().text.lower() == "desc"
                query.order.append((token.text, descending))
                if self.peek().kind == "punct" and self.peek().text == ",":
                    self.next()
                    continue
                break
        while self.is_word("startposition", "maxresults"):
            word = self.next().text.lower()
            value = self.integer()
            if word == "startposition":
                query.start = value
            else:
                query.max_results = value
        token = self.peek()
        if token.kind != "end":
            raise parse_error(self.text, token.pos, token.text)
        return query

    def condition(self) -> Condition:
        token = self.next()
        if token.kind != "word" or token.text.lower() in KEYWORDS:
            raise parse_error(self.text, token.pos, token.text)
        name = token.text
        op_token = self.next()
        if op_token.kind == "op":
            if op_token.text in ("!=", "<>"):
                raise parse_error(self.text, op_token.pos, op_token.text)
            return Condition(name, op_token.text, (self.literal(),))
        if op_token.kind == "word" and op_token.text.lower() == "in":
            self.expect_punct("(")
            values = [self.literal()]
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.next()
                values.append(self.literal())
            self.expect_punct(")")
            return Condition(name, "in", tuple(values))
        if op_token.kind == "word" and op_token.text.lower() == "like":
            value = self.literal()
            if not isinstance(value, str):
                raise parse_error(self.text, op_token.pos, op_token.text)
            return Condition(name, "like", (value,))
        raise parse_error(self.text, op_token.pos, op_token.text)


def parse(text: str) -> Query:
    query = _Parser(text).parse()
    canonical = {name.lower(): name for name in schema.ALL_ENTITIES}.get(query.entity.lower())
    if canonical is None:
        raise faults.invalid_query(
            f"QueryValidationError: invalid context declaration: {query.entity}"
        )
    query.entity = canonical
    if query.max_results > MAX_RESULTS_LIMIT:
        raise faults.invalid_query(
            f"QueryValidationError: value {query.max_results} is too large. Max allowed value "
            f"is {MAX_RESULTS_LIMIT}."
        )
    if query.max_results < 1 or query.start < 1:
        raise faults.invalid_query(
            "QueryValidationError: STARTPOSITION and MAXRESULTS must be positive."
        )
    properties = _properties(canonical)
    queryable = {f.lower(): f for f in schema.QUERYABLE.get(canonical, [])}
    for cond in query.where:
        object.__setattr__(
            cond, "field", _filter_field(canonical, cond.field, properties, queryable)
        )
    query.order = [
        (_filter_field(canonical, name, properties, queryable), desc) for name, desc in query.order
    ]
    query.fields = [_property(canonical, name, properties) for name in query.fields]
    query.extra_fields = [_property(canonical, name, properties) for name in query.extra_fields]
    return query


def _properties(entity: str) -> dict[str, str]:
    names = list(schema.KNOWN_PROPERTIES.get(entity, [])) + list(
        schema.QUERY_ONLY_PROPERTIES.get(entity, [])
    )
    names += ["MetaData.CreateTime", "MetaData.LastUpdatedTime"]
    return {n.lower(): n for n in names}


def _property(entity: str, name: str, properties: dict[str, str]) -> str:
    found = properties.get(name.lower())
    if found is None:
        raise faults.invalid_query(
            f"QueryValidationError: Property {name} not found for Entity {entity}"
        )
    return found


def _filter_field(
    entity: str, name: str, properties: dict[str, str], queryable: dict[str, str]
) -> str:
    found = queryable.get(name.lower())
    if found is not None:
        return found
    _property(entity, name, properties)
    raise faults.invalid_query(f"QueryValidationError: property '{name}' is not queryable")


# -- execution --------------------------------------------------------------------------------


def _field_value(obj: JSON, path: str) -> Any:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    if isinstance(node, dict) and "value" in node:
        return node["value"]  # references compare by Id
    return node


def _coerce(field_value: Any, literal: Any, path: str, tz_of: datetime) -> tuple[Any, Any] | None:
    """Both sides in one comparable type, or None if they cannot be compared."""
    if field_value is None:
        return None
    if isinstance(field_value, bool):
        if isinstance(literal, str) and literal.lower() in ("true", "false"):
            literal = literal.lower() == "true"
        return (field_value, literal) if isinstance(literal, bool) else None
    if isinstance(field_value, int | Decimal):
        try:
            return Decimal(field_value), Decimal(str(literal))
        except InvalidOperation:
            return None
    text = str(field_value)
    if path.endswith("Time"):
        try:
            return timefmt.parse_moment(text, tz_of), timefmt.parse_moment(str(literal), tz_of)
        except ValueError:
            return None
    literal_text = str(literal)
    if (path == "Id" or path.endswith("Ref")) and text.isdigit() and literal_text.isdigit():
        return int(text), int(literal_text)
    return text.casefold(), literal_text.casefold()


def _like(value: Any, pattern: str) -> bool:
    if value is None:
        return False
    regex = "^" + ".*".join(re.escape(part) for part in pattern.split("%")) + "$"
    return re.match(regex, str(value), re.IGNORECASE | re.DOTALL) is not None


def _matches(obj: JSON, cond: Condition, tz_of: datetime) -> bool:
    value = _field_value(obj, cond.field)
    if cond.op == "like":
        return _like(value, str(cond.values[0]))
    for literal in cond.values:
        pair = _coerce(value, literal, cond.field, tz_of)
        if pair is None:
            continue
        left, right = pair
        try:
            if cond.op in ("=", "in") and left == right:
                return True
            if cond.op == "<" and left < right:
                return True
            if cond.op == ">" and left > right:
                return True
            if cond.op == "<=" and left <= right:
                return True
            if cond.op == ">=" and left >= right:
                return True
        except TypeError:
            continue
    return False


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (2, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | Decimal):
        return (0, Decimal(value))
    text = str(value)
    if text.isdigit():
        return (0, Decimal(text))
    return (1, text.casefold())


def _key_for(name: str) -> Callable[[JSON], tuple[int, Any]]:
    def key(obj: JSON) -> tuple[int, Any]:
        return _sort_key(_field_value(obj, name))

    return key


def _moment(obj: JSON, now: datetime) -> datetime:
    stamp = _field_value(obj, "MetaData.LastUpdatedTime")
    return timefmt.parse_moment(str(stamp), now) if stamp else now


def _id_key(obj: JSON) -> tuple[int, Any]:
    return _sort_key(obj.get("Id"))


def rows(state: RealmState, query: Query, now: datetime) -> list[JSON]:
    """All matching objects in result order (before paging)."""
    if query.entity == "CompanyInfo":
        candidates = [state.company_info]
    elif query.entity == "Preferences":
        candidates = [state.preferences]
    else:
        candidates = state.all(query.entity)
    where = list(query.where)
    if query.entity in schema.NAME_LIST and not any(c.field == "Active" for c in where):
        # Name lists hide inactive objects unless the query asks about Active.
        where.append(Condition("Active", "=", (True,)))
    found = [obj for obj in candidates if all(_matches(obj, c, now) for c in where)]
    found.sort(key=_id_key)
    if query.entity in schema.TRANSACTIONS:
        # Without ORDERBY, the recorded SalesReceipt page (query_salesreceipt_page_response)
        # comes newest-change first; ties keep Id order. Name lists stay in Id order (UNVERIFIED).
        found.sort(key=lambda o: _moment(o, now), reverse=True)
    for name, descending in reversed(query.order):
        found.sort(key=_key_for(name), reverse=descending)
    return found


def execute(state: RealmState, query: Query, now: datetime) -> JSON:
    """The value of ``QueryResponse``."""
    found = rows(state, query, now)
    if query.count:
        return {"totalCount": len(found)}
    page = found[query.start - 1 : query.start - 1 + query.max_results]
    if not page:
        return {}
    out: list[JSON] = []
    for obj in page:
        if query.fields:
            keep = {"domain", "sparse", "Id", "SyncToken", *query.fields}
            item = {k: copy.deepcopy(val) for k, val in obj.items() if k in keep}
            if "MetaData.LastUpdatedTime" in query.fields or "MetaData.CreateTime" in query.fields:
                item["MetaData"] = copy.deepcopy(obj.get("MetaData"))
        else:
            item = copy.deepcopy(obj)
            if query.entity == "Item" and "Sku" not in query.extra_fields:
                # A plain SELECT * was reported to omit Sku (reference §5 Item, UNVERIFIED at
                # v75): the emulator keeps that behaviour so clients learn to ask for it.
                item.pop("Sku", None)
        out.append(item)
    return {query.entity: out, "startPosition": query.start, "maxResults": len(out)}
