// Golden routing cases: every folder tests/golden/<profile>/<case>/ holds manifests.yaml and
// requests.yaml (the `hopscope-cli check` format, tests/golden/README.md). Each request is one
// named row; it is routed with explanations and again in fast mode, and both Decisions must
// agree with each other and with the expectations. `lint:` lists findings that must appear.
#include "model/loader.h"
#include "simulator/check.h"
#include "tests/test_paths.h"

#include <QtTest>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using namespace hs;

namespace {

struct Case {
    sim::TestFile file;
    sim::CheckReport report;
    std::string error;
};

std::map<std::string, Case>& cases() {
    static std::map<std::string, Case> all;
    return all;
}

const Case& runCase(const std::string& profile, const fs::path& dir) {
    auto [it, inserted] = cases().try_emplace(dir.string());
    Case& c = it->second;
    if (!inserted) return c;
    c.file = sim::loadTestFile((dir / "requests.yaml").string());
    if (!c.file.profile) c.file.profile = sim::profileFromName(profile);
    for (const auto& p : c.file.problems) c.error += p.format() + "\n";
    model::LoadOptions lo;
    lo.threads = 1;
    model::LoadResult lr = model::loadManifests({(dir / "manifests.yaml").string()}, lo);
    if (lr.inputError) c.error += "cannot load " + (dir / "manifests.yaml").string();
    sim::CheckOptions opt;
    opt.verifyFastMode = true;
    c.report = sim::runChecks(c.file, lr.state, {}, opt);
    return c;
}

std::vector<std::pair<std::string, fs::path>> caseDirs() {
    std::vector<std::pair<std::string, fs::path>> out;
    fs::path root = fs::path(hs::testing::sourceDir()) / "tests" / "golden";
    for (const char* profile : {"ingress-nginx", "gateway-api", "gce", "spec"}) {
        if (!fs::is_directory(root / profile)) continue;
        std::vector<fs::path> dirs;
        for (const auto& e : fs::directory_iterator(root / profile))
            if (e.is_directory() && fs::exists(e.path() / "requests.yaml")) dirs.push_back(e.path());
        std::sort(dirs.begin(), dirs.end());
        for (auto& d : dirs) out.emplace_back(profile, d);
    }
    return out;
}

}  // namespace

class TestGolden : public QObject {
    Q_OBJECT
private slots:
    void route_data() {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<int>("index");
        int rows = 0;
        for (const auto& [profile, dir] : caseDirs()) {
            const Case& c = runCase(profile, dir);
            std::string prefix = profile + "/" + dir.filename().string() + ": ";
            if (!c.error.empty()) {
                QTest::newRow((prefix + "(unreadable)").c_str()) << QString::fromStdString(dir.string()) << -1;
                continue;
            }
            for (std::size_t i = 0; i < c.report.results.size(); ++i, ++rows)
                QTest::newRow((prefix + c.report.results[i].test->name).c_str())
                    << QString::fromStdString(dir.string()) << int(i);
        }
        QVERIFY2(rows > 0, "no golden cases found under tests/golden");
    }
    void route() {
        QFETCH(QString, dir);
        QFETCH(int, index);
        const Case& c = cases().at(dir.toStdString());
        QVERIFY2(c.error.empty(), c.error.c_str());
        const sim::TestResult& r = c.report.results[static_cast<std::size_t>(index)];
        std::string msg;
        for (const auto& m : r.mismatches) msg += m.field + ": expected " + m.expected + ", got " + m.actual + "\n";
        if (!r.passed) msg += "decision: " + sim::decisionJson(r.decision, true);
        QVERIFY2(r.passed, msg.c_str());
    }

    void lint_data() {
        QTest::addColumn<QString>("dir");
        QTest::newRow("(placeholder)") << QString();
        for (const auto& [profile, dir] : caseDirs())
            if (!runCase(profile, dir).file.lint.empty())
                QTest::newRow((profile + "/" + dir.filename().string()).c_str())
                    << QString::fromStdString(dir.string());
    }
    void lint() {
        QFETCH(QString, dir);
        if (dir.isEmpty()) return;
        const Case& c = cases().at(dir.toStdString());
        for (const auto& l : c.report.lint)
            QVERIFY2(l.found, ("lint lacks \"" + l.expected + "\":\n" + c.report.lintText).c_str());
    }
};

QTEST_APPLESS_MAIN(TestGolden)
#include "tst_golden.moc"
