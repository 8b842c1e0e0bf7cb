"""A backup taken while other connections keep writing is one consistent snapshot."""

import threading
import time
import zipfile

from django.db import connections, transaction

from shuangsuiji.audit.services import record, verify_chain
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.backup import create_backup, restore_backup
from shuangsuiji.onboarding.demo import load_demo


def test_a_backup_during_writes_restores_to_an_unbroken_chain(postgres_only, tmp_path):
    load_demo(SystemActor("测试"))
    stop = threading.Event()
    written = []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    written.append(record(SystemActor(), "test.during-backup").seq)
                time.sleep(0.002)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        manifest = create_backup(tmp_path / "b.zip")
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(written) > 10
    head = manifest["audit_head"]
    # The snapshot cut the log somewhere in the middle of the writes …
    assert written[0] <= head["seq"] < written[-1]
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        lines = zf.read("models/audit.auditentry.jsonl").splitlines()
    assert len(lines) == manifest["models"]["audit.auditentry"]["rows"] == head["seq"]
    # … and restores to exactly that point with the chain intact: the rows written after
    # the snapshot are lost, so the restore must be told that it rewinds the chain.
    restored = restore_backup(tmp_path / "b.zip", allow_rewind=True)
    assert restored["rewound_from"]["seq"] == written[-1]
    assert verify_chain() is None
