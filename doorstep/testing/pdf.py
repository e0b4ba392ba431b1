"""Reading a PDF in tests as a screen reader and a person would (issue 18): its structure tree and its text."""

import io
import subprocess

import pypdf


def structure(content: bytes) -> tuple[str | None, list[str]]:
    """The document's language (/Lang) and the standard structure types of its tagged content, in reading order
    (Typst's own types mapped through the /RoleMap): e.g. ["Document", "H1", "P", "Table", "TR", "TH", ...]."""
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    if "/StructTreeRoot" not in root:
        return root.get("/Lang"), []
    tree = root["/StructTreeRoot"].get_object()
    role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}
    found: list[str] = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict) or "/S" not in node:
            return
        kind = str(node["/S"])
        found.append(role_map.get(kind, kind).lstrip("/"))
        if "/K" in node:
            walk(node["/K"])

    walk(tree.get("/K", []))
    return (str(root["/Lang"]) if "/Lang" in root else None), found


def text(content: bytes) -> str:
    """The text as pdftotext (poppler-utils) reads it, in reading order."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
