#!/usr/bin/python3
# One member of wenyuan's LibreOffice pool (src/convert/libreoffice-pool.ts, decision 0028): connects over a UNO
# pipe to the soffice the pool started for it, then converts one document per request.
#   stdin:  one JSON object per line: {"id": 1, "input": "/abs/input.doc", "output": "/abs/out/input.pdf"}
#   stdout: {"ready": true} once connected, then one answer per request:
#           {"id": 1, "ok": true} or {"id": 1, "ok": false, "stage": "load"|"export"|"member", "message": "..."}
# Documents are loaded hidden, read-only, silently, with macros never executed and links never updated, and closed
# after export. End of input (the pool closed, or Node died) terminates this soffice and exits.
# Needs Debian's python3-uno (system python3); argv: PIPE_NAME MEMBER_DIR (the directory only marks the process).
import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.io import IOException
from com.sun.star.lang import IllegalArgumentException

STARTUP_SECONDS = 60


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# The export filter `soffice --convert-to pdf` would pick: by the kind of document that was loaded.
def pdf_filter(doc):
    if doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
        return "calc_pdf_Export"
    if doc.supportsService("com.sun.star.presentation.PresentationDocument"):
        return "impress_pdf_Export"
    if doc.supportsService("com.sun.star.drawing.DrawingDocument"):
        return "draw_pdf_Export"
    if doc.supportsService("com.sun.star.text.WebDocument"):
        return "writer_web_pdf_Export"
    return "writer_pdf_Export"


# As `soffice --convert-to` loads (desktop/source/app/dispatchwatcher.cxx), plus macros and links pinned off.
LOAD_PROPS = (
    prop("Hidden", True),
    prop("ReadOnly", True),
    prop("OpenNewView", True),
    prop("Silent", True),
    # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
    prop("MacroExecutionMode", 0),
    # com.sun.star.document.UpdateDocMode.NO_UPDATE: linked content (OLE links, external data) is never fetched
    prop("UpdateDocMode", 0),
)


def close(doc):
    try:
        doc.close(True)
    except Exception:
        try:
            doc.dispose()
        except Exception:
            pass


def failure(stage, e):
    # Anything but a refusal of this file (a disposed bridge, a runtime error inside soffice) says the member
    # itself is unwell: the pool then replaces it and converts the file in a process of its own.
    if not isinstance(e, (IOException, IllegalArgumentException)):
        stage = "member"
    return {"ok": False, "stage": stage, "message": "%s: %s" % (type(e).__name__, getattr(e, "Message", str(e)))}


def convert(desktop, req):
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["input"]), "_blank", 0, LOAD_PROPS)
    except Exception as e:
        return failure("load", e)
    if doc is None:
        return {"ok": False, "stage": "load", "message": "no document"}
    try:
        doc.storeToURL(
            uno.systemPathToFileUrl(req["output"]),
            (prop("FilterName", pdf_filter(doc)), prop("Overwrite", True)),
        )
        return {"ok": True}
    except Exception as e:
        return failure("export", e)
    finally:
        close(doc)


def main():
    desktop = connect(sys.argv[1])
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        req = json.loads(line)
        answer = convert(desktop, req)
        answer["id"] = req["id"]
        out.write(json.dumps(answer) + "\n")
        out.flush()
    try:
        desktop.terminate()
    except Exception:
        pass


if __name__ == "__main__":
    main()
