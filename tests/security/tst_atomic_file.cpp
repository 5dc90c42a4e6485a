// No lost work: files Hopscope writes are replaced atomically (model/atomic_file.h). A write that
// fails — a full disk (a tiny tmpfs, when this runs as root and may mount), a file size limit
// (RLIMIT_FSIZE, always available) — leaves the old file byte for byte as it was, and no
// temporary file behind; the CLI writers that use the helper report the failure and exit non-zero.
#include "app/cli/cli.h"
#include "model/atomic_file.h"
#include "tests/cli/run_cli.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writePlain(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// Names in `dir` other than `keep`: leftovers of a write (temporary files).
QStringList strayFiles(const fs::path& dir, const std::set<std::string>& keep) {
    QStringList out;
    for (const auto& e : fs::directory_iterator(dir))
        if (!keep.count(e.path().filename().string())) out << QString::fromStdString(e.path().filename().string());
    return out;
}

// Limits the size of files this process may write (RLIMIT_FSIZE) while in scope. SIGXFSZ is
// ignored so that an oversized write fails with EFBIG instead of killing the test.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        oldHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim = old_;
        lim.rlim_cur = bytes;
        ok_ = ::setrlimit(RLIMIT_FSIZE, &lim) == 0;
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, oldHandler_);
    }
    bool ok() const { return ok_; }

private:
    rlimit old_{};
    void (*oldHandler_)(int) = nullptr;
    bool ok_ = false;
};

using hs::testing::CliResult;
using hs::testing::runCli;

}  // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT
private slots:
    void writesNewFile() {
        QTemporaryDir dir;
        fs::path p = fs::path(dir.path().toStdString()) / "report.json";
        auto r = hs::model::writeFileAtomic(p, "{\"ok\": true}\n");
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(readAll(p), std::string("{\"ok\": true}\n"));
        QVERIFY2(strayFiles(p.parent_path(), {"report.json"}).isEmpty(),
                 qPrintable(strayFiles(p.parent_path(), {"report.json"}).join(", ")));
    }

    void replaceKeepsPermissions() {
        QTemporaryDir dir;
        fs::path p = fs::path(dir.path().toStdString()) / "settings.conf";
        writePlain(p, "old\n");
        ::chmod(p.c_str(), 0640);
        auto r = hs::model::writeFileAtomic(p, "new\n");
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(readAll(p), std::string("new\n"));
        struct stat st {};
        QCOMPARE(::stat(p.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 07777, 0640u);
    }

    // An AtomicFile that is never committed leaves the old file and no temporary file.
    void uncommittedWriteChangesNothing() {
        QTemporaryDir dir;
        fs::path p = fs::path(dir.path().toStdString()) / "decisions.jsonl";
        writePlain(p, "previous run\n");
        {
            hs::model::AtomicFile f(p);
            QVERIFY2(f.openError().empty(), f.openError().c_str());
            f.stream() << "half of a new run";
            QCOMPARE(readAll(p), std::string("previous run\n"));  // nothing visible before commit
        }
        QCOMPARE(readAll(p), std::string("previous run\n"));
        QVERIFY(strayFiles(p.parent_path(), {"decisions.jsonl"}).isEmpty());
    }

    void folderOrMissingFolderIsAnError() {
        QTemporaryDir dir;
        fs::path base(dir.path().toStdString());
        auto r = hs::model::writeFileAtomic(base, "x");
        QVERIFY(!r.ok());
        QVERIFY2(r.error.find("folder") != std::string::npos, r.error.c_str());
        r = hs::model::writeFileAtomic(base / "no" / "such" / "dir.txt", "x");
        QVERIFY(!r.ok());
        QVERIFY2(r.error.find("cannot write") != std::string::npos, r.error.c_str());
    }

    // The write of the new contents fails part-way (EFBIG past a 64 KiB file size limit).
    void failedWriteLeavesOldFile_data() {
        QTest::addColumn<int>("bytes");
        QTest::newRow("just over the limit") << 64 * 1024 + 1;
        QTest::newRow("far over the limit") << 4 * 1024 * 1024;
    }
    void failedWriteLeavesOldFile() {
        QFETCH(int, bytes);
        QTemporaryDir dir;
        fs::path p = fs::path(dir.path().toStdString()) / "snapshot.yaml";
        std::string old = "apiVersion: v1\nkind: Namespace\nmetadata: {name: keep-me}\n";
        writePlain(p, old);
        hs::model::FileWriteResult r;
        {
            FileSizeLimit limit(64 * 1024);
            QVERIFY2(limit.ok(), "setrlimit(RLIMIT_FSIZE) failed");
            r = hs::model::writeFileAtomic(p, std::string(static_cast<std::size_t>(bytes), 'x'));
        }
        QVERIFY2(!r.ok(), "a write past RLIMIT_FSIZE reported success");
        QVERIFY2(r.error.find(p.string()) != std::string::npos, r.error.c_str());
        QCOMPARE(readAll(p), old);
        QVERIFY2(strayFiles(p.parent_path(), {"snapshot.yaml"}).isEmpty(),
                 qPrintable(strayFiles(p.parent_path(), {"snapshot.yaml"}).join(", ")));
    }

    // A real full disk: a 64 KiB tmpfs. Needs root and permission to mount (CI runs as root;
    // containers without CAP_SYS_ADMIN skip, the RLIMIT_FSIZE rows above still prove the point).
    void fullDiskLeavesOldFile() {
        QTemporaryDir dir;
        fs::path mnt(dir.path().toStdString());
        if (::geteuid() != 0 || ::mount("hs-tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0)
            QSKIP("cannot mount a tmpfs here (not root or no CAP_SYS_ADMIN)");
        struct Unmount {
            fs::path p;
            ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
        } unmount{mnt};
        fs::path p = mnt / "report.json";
        std::string old(40 * 1024, 'o');  // the old file fills most of the disk
        writePlain(p, old);
        QCOMPARE(readAll(p), old);
        auto r = hs::model::writeFileAtomic(p, std::string(40 * 1024, 'n'));
        QVERIFY2(!r.ok(), "a write to a full disk reported success");
        QVERIFY2(r.error.find("No space left") != std::string::npos, r.error.c_str());
        QCOMPARE(readAll(p), old);
        QVERIFY(strayFiles(mnt, {"report.json"}).isEmpty());
    }

    // The CLI writers use the helper: export-nginx -o over an existing file, with the write
    // failing, exits non-zero with a message and keeps the old configuration.
    void cliExportKeepsOldFileOnFailure() {
        QTemporaryDir dir;
        fs::path p = fs::path(dir.path().toStdString()) / "nginx.conf";
        std::string old = "# a configuration someone relies on\n";
        writePlain(p, old);
        CliResult r;
        {
            FileSizeLimit limit(1024);  // the demo's configuration is far larger
            QVERIFY(limit.ok());
            r = runCli({"export-nginx", "--demo", "-o", p.string()});
        }
        QVERIFY2(r.code != 0, r.err.c_str());
        QVERIFY2(r.err.find("cannot write " + p.string()) != std::string::npos, r.err.c_str());
        QCOMPARE(readAll(p), old);
        QVERIFY(strayFiles(p.parent_path(), {"nginx.conf"}).isEmpty());

        // Without the limit the same command replaces the file completely.
        r = runCli({"export-nginx", "--demo", "-o", p.string()});
        QVERIFY2(r.code == 0, r.err.c_str());
        std::string now = readAll(p);
        QVERIFY(now.size() > 1024);
        QVERIFY2(now.find("http {") != std::string::npos || now.find("server {") != std::string::npos,
                 now.substr(0, 200).c_str());
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomic_file.moc"
