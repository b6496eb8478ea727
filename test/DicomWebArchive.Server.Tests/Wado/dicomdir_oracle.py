"""Reads an extracted file-set with pydicom's FileSet: prints, as JSON, each instance the DICOMDIR lists with its
record chain and what the referenced file itself says."""
import json
import os
import sys

from pydicom import dcmread
from pydicom.fileset import FileSet

root = sys.argv[1]
fs = FileSet(dcmread(os.path.join(root, "DICOMDIR")))
out = {"fileSetId": fs.ID, "instances": []}
for instance in fs:
    node = instance.node
    chain = []
    n = node
    while n is not None and hasattr(n, "record_type") and n.record_type:
        chain.append(n.record_type)
        n = n.parent
    record = node._record
    ds = instance.load()
    out["instances"].append({
        "path": os.path.relpath(instance.path, root),
        "chain": list(reversed(chain)),
        "referencedSop": instance.SOPInstanceUID,
        "referencedSopClass": instance.SOPClassUID,
        "referencedSyntax": instance.TransferSyntaxUID,
        "fileSop": ds.SOPInstanceUID,
        "fileSopClass": ds.SOPClassUID,
        "fileSyntax": ds.file_meta.TransferSyntaxUID,
        "fileStudy": ds.StudyInstanceUID,
        "fileSeries": ds.SeriesInstanceUID,
        "recordStudy": node.parent.parent._record.StudyInstanceUID,
        "recordSeries": node.parent._record.SeriesInstanceUID,
        "recordPatientId": node.parent.parent.parent._record.PatientID,
        "recordPatientName": str(node.parent.parent.parent._record.PatientName),
        "recordInstanceNumber": str(record.get("InstanceNumber", "")),
        "recordCompletionFlag": str(record.get("CompletionFlag", "")),
    })
print(json.dumps(out))
