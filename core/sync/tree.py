"""The files of the sync repository: one Markdown file a paper
(`papers/<uid>.md`: YAML front matter holding the record, star, status, tags
and when it was added; the note as the body), `lists.yaml` and `searches.yaml`.
Writing is deterministic (the same library gives the same bytes, so git's
diffs stay small); reading treats every file as untrusted: a size cap, UTF-8
only, no YAML aliases (billion laughs), only the expected shapes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lectern.core.domain.entry import RAW
from lectern.core.domain.records import STATUSES

PAPER_PATH = re.compile(r"papers/([0-9a-f]{32})\.md")
LISTS_PATH = "lists.yaml"
SEARCHES_PATH = "searches.yaml"
MAX_PAPER_BYTES = 1 << 20  # 1 MiB: a record with a long abstract and note is a few kB
MAX_COLLECTION_BYTES = 16 << 20


class TreeError(ValueError):
    """A file in the sync tree that cannot be read; the message names the file and why."""


@dataclass(frozen=True)
class PaperDoc:
    """A paper as the sync tree holds it."""

    uid: str
    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    starred: bool = False
    status: str = "unread"
    tags: tuple[str, ...] = ()  # sorted, case-insensitively unique
    added: str = ""
    note: str = ""


@dataclass(frozen=True)
class Collections:
    """Reading lists (name -> ordered uids) and saved searches (name -> query)."""

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    searches: dict[str, str] = field(default_factory=dict)


def paper_path(uid: str) -> str:
    return f"papers/{uid}.md"


def sorted_tags(tags: Any) -> tuple[str, ...]:
    unique: dict[str, str] = {}
    for tag in tags:
        unique.setdefault(tag.casefold(), tag)
    return tuple(sorted(unique.values(), key=lambda t: (t.casefold(), t)))


# -- writing ------------------------------------------------------------------
class _Macro(str):
    """A bare BibTeX expression (RAW value), written as `!macro jan`."""


# libyaml's C emitter and parser when PyYAML has them (ten times faster), else the Python ones.
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_SafeDumper):  # type: ignore[misc, valid-type]
    pass


class _Flow(list):  # type: ignore[type-arg]
    """A list written on one line: `[name, value]`, `[nlp, survey]`."""


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """Text with a line break or control character double-quoted, where YAML escapes it
    (plain and single-quoted text would fold it: NEL, U+2028 and CR read back as newlines)."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _UNSAFE.search(value) else None)


_Dumper.add_representer(str, _string)
# quoted always: libyaml would write `!macro jan` and PyYAML's own emitter `!macro 'jan'`
_Dumper.add_representer(_Macro, lambda d, v: d.represent_scalar("!macro", str(v),
                                                               style='"' if _UNSAFE.search(v) else "'"))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30,
                     default_flow_style=False)


def _render_paper_yaml(doc: PaperDoc) -> bytes:
    """The file of one paper, written by PyYAML (the reference `render_paper` follows)."""
    front = {
        "key": doc.key,
        "type": doc.type,
        "fields": [_Flow([name, _Macro(value[1:]) if value.startswith(RAW) else value]) for name, value in doc.fields],
        "starred": doc.starred,
        "status": doc.status,
        "tags": _Flow(doc.tags),
        "added": doc.added,
    }
    body = doc.note + "\n" if doc.note else ""
    return f"---\n{_dump(front)}---\n{body}".encode()


# Text made of these is written by the rules of PyYAML's emitter below (printable, no line
# break); anything else by PyYAML itself, so the bytes are the same either way.
_ORDINARY = re.compile(r"[\x20-\x7e\u00c0-\u024f]*")
_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_FLOW_INDICATOR = re.compile(r"[,?\[\]{}:]| #")
_BLOCK_INDICATOR = re.compile(r": | #|:$")


def _plain(value: str, flow: bool) -> bool:
    """Whether PyYAML writes this ordinary text unquoted (its emitter's `analyze_scalar`
    and `choose_scalar_style`, and its resolver: `2020` or `yes` would read back as a
    number or a truth value)."""
    if not value or value[0] == " " or value[-1] == " " or value.startswith(("---", "...")):
        return False
    first, end = value[0], len(value)
    if first in "#,[]{}&*!|>'\"%@`" or (first in "?:" and (flow or end == 1 or value[1] == " ")):
        return False
    if first == "-" and (end == 1 or value[1] == " "):
        return False
    if (_FLOW_INDICATOR if flow else _BLOCK_INDICATOR).search(value):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR


@functools.lru_cache(maxsize=1 << 14)  # field names, types, tags and short values recur
def _scalar(value: str, flow: bool) -> str:
    """One text as PyYAML writes it in a flow list (`flow`) or as a mapping's value."""
    if _ORDINARY.fullmatch(value):
        return value if _plain(value, flow) else "'" + value.replace("'", "''") + "'"
    if flow:
        return _dump(_Flow([value]))[1:-2]
    return _dump({"k": value})[3:-1]


def _macro(value: str) -> str:
    if _ORDINARY.fullmatch(value):
        return "!macro '" + value.replace("'", "''") + "'"
    return _dump(_Flow([_Macro(value)]))[1:-2]


def render_paper(doc: PaperDoc) -> bytes:
    """The file of one paper, byte for byte the same for the same paper (the
    bytes PyYAML writes, see `_render_paper_yaml`, made here directly: PyYAML
    took most of the time of publishing a large library)."""
    lines = ["---", f"key: {_scalar(doc.key, False)}", f"type: {_scalar(doc.type, False)}"]
    if doc.fields:
        lines.append("fields:")
        lines += [f"- [{_scalar(name, True)}, {_macro(value[1:]) if value.startswith(RAW) else _scalar(value, True)}]"
                  for name, value in doc.fields]
    else:
        lines.append("fields: []")
    lines += [f"starred: {'true' if doc.starred else 'false'}", f"status: {_scalar(doc.status, False)}",
              f"tags: [{', '.join(_scalar(t, True) for t in doc.tags)}]", f"added: {_scalar(doc.added, False)}", "---"]
    if doc.note:
        lines.append(doc.note)
    return ("\n".join(lines) + "\n").encode()


def render_lists(lists: dict[str, tuple[str, ...]]) -> bytes:
    data = [{"name": name, "papers": list(uids)} for name, uids in sorted(lists.items(), key=lambda i: i[0].casefold())]
    return _dump({"lists": data}).encode()


def render_searches(searches: dict[str, str]) -> bytes:
    data = [{"name": name, "query": query} for name, query in sorted(searches.items(), key=lambda i: i[0].casefold())]
    return _dump({"searches": data}).encode()


# -- reading ------------------------------------------------------------------
class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    pass


_Loader.add_constructor("!macro", lambda loader, node: _Macro(loader.construct_scalar(node)))


def _load(text: str, name: str) -> Any:
    """One YAML document, refused when it uses aliases (an alias bomb expands to
    gigabytes): the composed nodes are walked once, and a node met twice is an alias."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        seen: set[int] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current) in seen:
                raise TreeError(f"{name} uses YAML aliases, which Lectern does not read.")
            seen.add(id(current))
            if isinstance(current, yaml.SequenceNode):
                stack.extend(current.value)
            elif isinstance(current, yaml.MappingNode):
                stack.extend(part for pair in current.value for part in pair)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise TreeError(f"{name} is not valid YAML: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()


def _text(data: bytes, name: str, cap: int) -> str:
    if len(data) > cap:
        raise TreeError(f"{name} is larger than {cap // (1 << 20)} MB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TreeError(f"{name} is not UTF-8 text.") from None
    if "\x00" in text:
        raise TreeError(f"{name} holds binary data.")
    return text


def _text_value(value: Any, what: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TreeError(f"{name}: {what} must be text.")
    return str(value)


def parse_paper(uid: str, data: bytes) -> PaperDoc:
    """A paper file read back; TreeError (naming the file) when it is not one."""
    return read_paper(uid, data)[0]


def read_paper(uid: str, data: bytes) -> tuple[PaperDoc, bool]:
    """(the paper a file holds, whether the file is byte for byte as Lectern
    writes that paper); TreeError (naming the file) when it is not a paper."""
    name = paper_path(uid)
    text = _text(data, name, MAX_PAPER_BYTES)
    doc = _read_canonical(uid, text, name)
    if doc is not None and render_paper(doc) == data:
        return doc, True
    doc = _read_yaml(uid, text, name)
    return doc, render_paper(doc) == data


def _quoted(token: str) -> str | None:
    """A plain or single-quoted scalar's text (None for any other form)."""
    if token.startswith("'"):
        return token[1:-1].replace("''", "'") if len(token) > 1 and token.endswith("'") else None
    return None if token.startswith(('"', "!")) else token


def _flow_items(inner: str) -> list[str] | None:
    """The tokens of a one-line flow list's inside, as `render_paper` writes it."""
    items: list[str] = []
    at = 0
    while at < len(inner):
        if inner[at] == "'":
            end = at + 1
            while True:
                end = inner.find("'", end)
                if end < 0:
                    return None
                if inner[end + 1:end + 2] != "'":
                    break
                end += 2
            end += 1
        else:
            comma = inner.find(", ", at)
            end = len(inner) if comma < 0 else comma
        items.append(inner[at:end])
        if end < len(inner) and inner[end:end + 2] != ", ":
            return None
        at = end + 2
    return items


def _read_canonical(uid: str, text: str, name: str) -> PaperDoc | None:
    """The paper of a file laid out as `render_paper` writes (the caller checks
    it renders back to the same bytes), without PyYAML; None for any other layout."""
    lines = text.split("\n")
    if lines[0] != "---":
        return None
    try:
        close = lines.index("---", 1)
    except ValueError:
        return None
    front: dict[str, Any] = {}
    for line in lines[1:close]:
        if line.startswith("- [") and line.endswith("]") and isinstance(front.get("fields"), list):
            items = _flow_items(line[3:-1])
            if items is None or len(items) != 2:
                return None
            value = items[1]
            if value.startswith("!macro '"):
                value = _Macro(_quoted(value[7:]) or "")
            else:
                value = _quoted(value)
            field_name = _quoted(items[0])
            if value is None or field_name is None:
                return None
            front["fields"].append([field_name, value])
            continue
        label, sep, value = line.partition(": ")
        if line == "fields:":
            front["fields"] = []
        elif not sep or label in front:
            return None
        elif label in ("fields", "tags"):
            items = _flow_items(value[1:-1]) if value.startswith("[") and value.endswith("]") else None
            tags = [_quoted(t) for t in items] if items is not None else [None]
            if None in tags:
                return None
            front[label] = tags
        elif label == "starred":
            front[label] = value == "true"
        else:
            front[label] = _quoted(value)
            if front[label] is None:
                return None
    try:
        return _paper(uid, front, "\n".join(lines[close + 1:]), name)
    except TreeError:
        return None


def _read_yaml(uid: str, text: str, name: str) -> PaperDoc:
    if not text.startswith("---\n"):
        raise TreeError(f"{name} does not begin with YAML front matter (---).")
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end, text = len(text) - 4, text + "\n"
        else:
            raise TreeError(f"{name}: its front matter is not closed by a --- line.")
    front = _load(text[4:end + 1], name)
    return _paper(uid, front, text[end + 5:], name)


def _paper(uid: str, front: Any, body: str, name: str) -> PaperDoc:
    """The paper of a file's front matter (as PyYAML reads it) and body, its values checked."""
    if not isinstance(front, dict):
        raise TreeError(f"{name}: its front matter is not a mapping of names to values.")
    unknown = set(front) - {"key", "type", "fields", "starred", "status", "tags", "added"}
    if unknown:
        raise TreeError(f"{name}: unknown entries {', '.join(sorted(map(str, unknown)))}.")
    key = _text_value(front.get("key"), "key", name).strip()
    kind = _text_value(front.get("type", "misc"), "type", name).strip().lower()
    if not key:
        raise TreeError(f"{name} has no citation key.")
    raw_fields = front.get("fields") or []
    if not isinstance(raw_fields, list):
        raise TreeError(f"{name}: fields must be a list of [name, value] pairs.")
    fields = []
    for pair in raw_fields:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise TreeError(f"{name}: each field must be a [name, value] pair.")
        value = pair[1]
        fields.append((_text_value(pair[0], "a field name", name),
                       RAW + value if isinstance(value, _Macro) else _text_value(value, "a field value", name)))
    starred = front.get("starred", False)
    if not isinstance(starred, bool):
        raise TreeError(f"{name}: starred must be true or false.")
    status = front.get("status", "unread")
    if status not in STATUSES:
        raise TreeError(f"{name}: status must be one of {', '.join(STATUSES)}.")
    tags = front.get("tags") or []
    if not isinstance(tags, list):
        raise TreeError(f"{name}: tags must be a list.")
    added = front.get("added", "")
    return PaperDoc(uid=uid, key=key, type=kind, fields=tuple(fields), starred=starred, status=status,
                    tags=sorted_tags(_text_value(t, "a tag", name) for t in tags),
                    added=added.isoformat() if hasattr(added, "isoformat") else _text_value(added, "added", name),
                    note=body[:-1] if body.endswith("\n") else body)


def _entries(data: bytes, name: str, top: str) -> list[dict[str, Any]]:
    loaded = _load(_text(data, name, MAX_COLLECTION_BYTES), name) or {}
    entries = loaded.get(top, []) if isinstance(loaded, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "name" in e for e in entries):
        raise TreeError(f"{name} must hold `{top}:`, a list of entries with a name.")
    return entries


def parse_lists(data: bytes) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {}
    for entry in _entries(data, LISTS_PATH, "lists"):
        papers = entry.get("papers") or []
        if not isinstance(papers, list) or not all(isinstance(p, str) and re.fullmatch("[0-9a-f]{32}", p)
                                                   for p in papers):
            raise TreeError(f"{LISTS_PATH}: the papers of a list must be paper ids.")
        lists[_text_value(entry["name"], "a list name", LISTS_PATH)] = tuple(dict.fromkeys(papers))
    return lists


def parse_searches(data: bytes) -> dict[str, str]:
    return {_text_value(e["name"], "a search name", SEARCHES_PATH):
            _text_value(e.get("query", ""), "a query", SEARCHES_PATH)
            for e in _entries(data, SEARCHES_PATH, "searches")}
