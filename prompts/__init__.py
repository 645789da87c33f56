"""The prompts of ogi-extract: versioned text files, loaded by a small registry.

A prompt lives in `prompts/<name>/` as files named `<version>.<part>.<ext>`:

    v1.system.md        the system message: the task, the categories, the rules
    v1.document.md      how the sections sent are wrapped ($sections)
    v1.section.md       how one section is written ($heading, $body)
    v1.reask.md         the follow-up after an invalid answer ($error)
    v1.schema_hint.md   added to the system message when the server cannot enforce the schema
                        itself ($schema)
    v1.examples.json    few-shot examples: [{"name", "sections": [{"heading", "body"}], "output"}]

`load_prompt("free_text", "v1")` returns a `Prompt`; its `id` ("free_text/v1") goes into every
record's provenance and every cache key, so a changed prompt must get a new version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any

from services.errors import OgiError

_PARTS = ("system", "document", "section", "reask", "schema_hint")
_VERSION = re.compile(r"^(v\d+)\.system\.md$")

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class SectionText:
    """One section as it is shown to the model."""

    heading: str
    body: str


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    sections: tuple[SectionText, ...]
    output: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    system: str
    document: Template
    section: Template
    reask: Template
    schema_hint: Template
    examples: tuple[Example, ...]

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}"

    def render(self, sections: Sequence[SectionText]) -> str:
        """The user message for these sections."""
        parts = [self.section.substitute(heading=s.heading, body=s.body) for s in sections]
        return self.document.substitute(sections="\n".join(parts)).strip()

    def messages(self, document: str, *, schema: str | None = None) -> list[Message]:
        """System message, the few-shot turns, then the document (`render`'s output).

        `schema` (a JSON Schema as text) is spelled out in the system message for servers that
        cannot enforce it themselves.
        """
        system = self.system.strip()
        if schema is not None:
            system += "\n\n" + self.schema_hint.substitute(schema=schema).strip()
        out: list[Message] = [{"role": "system", "content": system}]
        for example in self.examples:
            out.append({"role": "user", "content": self.render(example.sections)})
            answer = json.dumps(example.output, ensure_ascii=False, separators=(",", ":"))
            out.append({"role": "assistant", "content": answer})
        out.append({"role": "user", "content": document})
        return out

    def reask_message(self, error: str) -> Message:
        return {"role": "user", "content": self.reask.substitute(error=error).strip()}


def available_versions(name: str) -> list[str]:
    """The versions of a prompt, oldest first (`v1`, `v2`, ... by number)."""
    folder = resources.files(__name__).joinpath(name)
    if not folder.is_dir():
        raise OgiError(f"no prompt named {name!r}", where="prompts")
    found = [m.group(1) for f in folder.iterdir() if (m := _VERSION.match(f.name))]
    return sorted(found, key=lambda v: int(v[1:]))


def load_prompt(name: str, version: str | None = None) -> Prompt:
    """A prompt by name and version (default: the newest). Files are read once per process."""
    versions = available_versions(name)
    chosen = version or (versions[-1] if versions else None)
    if chosen not in versions:
        raise OgiError(
            f"prompt {name!r} has no version {chosen!r} (available: {', '.join(versions)})",
            where="prompts",
        )
    return _load(name, chosen)


@lru_cache(maxsize=16)
def _load(name: str, version: str) -> Prompt:
    texts = {part: _read(name, f"{version}.{part}.md") for part in _PARTS}
    return Prompt(
        name=name,
        version=version,
        system=texts["system"],
        document=Template(texts["document"].strip()),
        section=Template(texts["section"].strip()),
        reask=Template(texts["reask"]),
        schema_hint=Template(texts["schema_hint"]),
        examples=_examples(name, version),
    )


def _read(name: str, filename: str) -> str:
    path = resources.files(__name__).joinpath(name, filename)
    if not path.is_file():
        raise OgiError(f"prompt file {name}/{filename} is missing", where="prompts")
    return path.read_text(encoding="utf-8")


def _examples(name: str, version: str) -> tuple[Example, ...]:
    filename = f"{version}.examples.json"
    try:
        raw = json.loads(_read(name, filename))
        return tuple(
            Example(
                name=str(entry["name"]),
                sections=tuple(SectionText(s["heading"], s["body"]) for s in entry["sections"]),
                output=dict(entry["output"]),
            )
            for entry in raw
        )
    except (ValueError, KeyError, TypeError) as err:
        raise OgiError(f"{name}/{filename} is malformed: {err}", where="prompts") from err
