// The details panel: a Service's facts, its YAML, the findings about it and the rules whose
// traffic passes through it, computed against the engine's own view (RouteTable::rules(), lint).
#include "app/graph/graph.h"
#include "app/gui/details_panel.h"
#include "model/lint.h"
#include "resources/demo.h"
#include "simulator/route_table.h"

#include <QTest>

using namespace hs;

class TestDetailsPanel : public QObject {
    Q_OBJECT
    std::shared_ptr<const model::ClusterState> state_;
    std::shared_ptr<const sim::RouteTable> table_;
    model::Diagnostics findings_;

    // Rules whose backends include the Service, as the engine lists them.
    int rulesThrough(const std::string& service) const {
        int n = 0;
        for (const auto& r : table_->rules())
            for (const auto& b : r.backends)
                if (b.service == service) {
                    ++n;
                    break;
                }
        return n;
    }

private slots:
    void initTestCase() {
        auto loaded = demo::load();
        state_ = loaded.state;
        table_ = sim::compileRouteTable(state_, {});
        findings_ = loaded.diagnostics;
        auto refs = model::lintReferences(*state_);
        findings_.insert(findings_.end(), refs.begin(), refs.end());
        auto lint = table_->lint();
        findings_.insert(findings_.end(), lint.begin(), lint.end());
    }

    void emptyUntilSelected() {
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        QVERIFY(!panel.object());
        QVERIFY(panel.facts().isEmpty());
    }

    void serviceFactsYamlRoutes_data() {
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("name");
        QTest::newRow("shop/api") << "shop"
                                  << "api";
        QTest::newRow("shop/storefront") << "shop"
                                         << "storefront";
    }
    void serviceFactsYamlRoutes() {
        QFETCH(QString, ns);
        QFETCH(QString, name);
        const model::Service* svc = state_->services().find(ns.toStdString(), name.toStdString());
        QVERIFY2(svc, "the demo has this Service");
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        panel.showObject({model::Kind::Service, ns.toStdString(), name.toStdString()});

        const QStringList facts = panel.facts();
        QVERIFY2(facts.contains(QStringLiteral("Kind: Service")), qPrintable(facts.join('\n')));
        QVERIFY2(facts.contains(QStringLiteral("Namespace: ") + ns), qPrintable(facts.join('\n')));
        QVERIFY2(facts.contains(QStringLiteral("Type: ") + QString::fromStdString(svc->type)),
                 qPrintable(facts.join('\n')));
        int ports = 0;
        for (const QString& f : facts) ports += f.startsWith(QStringLiteral("Port: ")) ? 1 : 0;
        QCOMPARE(ports, static_cast<int>(svc->ports.size()));
        for (const auto& p : svc->ports)
            QVERIFY2(facts.join('\n').contains(QString::number(p.port)), qPrintable(facts.join('\n')));

        // YAML: the document as written in the demo file.
        const QString yaml = panel.yaml();
        QVERIFY2(yaml.contains(QStringLiteral("kind: Service")), qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("name: ") + name), qPrintable(yaml));

        // Routes: exactly the rules the engine says send traffic to it.
        const QStringList routes = panel.routes();
        const int expected = rulesThrough(ns.toStdString() + "/" + name.toStdString());
        QVERIFY2(expected > 0, "pick a Service that carries traffic");
        QCOMPARE(routes.size(), expected);
        for (const QString& r : routes) QVERIFY2(r.contains(ns + QLatin1Char('/') + name), qPrintable(r));
    }

    void warningsAboutTheObject() {
        // Every object with a finding shows exactly its findings.
        int checked = 0;
        for (const auto& d : findings_) {
            if (d.object.empty()) continue;
            const auto space = d.object.find(' ');
            auto kind = model::kindFromName(d.object.substr(0, space));
            if (!kind) continue;
            const std::string key = d.object.substr(space + 1);
            const auto slash = key.find('/');
            model::ObjectRef ref{*kind, slash == std::string::npos ? "" : key.substr(0, slash),
                                 slash == std::string::npos ? key : key.substr(slash + 1)};
            if (!state_->contains(ref)) continue;
            gui::DetailsPanel panel;
            panel.setContext(table_, findings_);
            panel.showObject(ref);
            int expected = 0;
            for (const auto& other : findings_) expected += other.object == d.object ? 1 : 0;
            QCOMPARE(panel.warnings().size(), expected);
            QVERIFY2(panel.warnings().contains(QString::fromStdString(d.format())), d.format().c_str());
            if (++checked == 5) break;
        }
        QVERIFY2(checked > 0, "the demo is meant to carry findings (canary without primary, conflicts)");
    }

    void secretYamlHasNoKey() {
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        panel.showObject({model::Kind::Secret, "shop", "shop-tls"});
        const QString yaml = panel.yaml();
        QVERIFY2(yaml.contains(QStringLiteral("shop-tls")), qPrintable(yaml));
        QVERIFY2(!yaml.contains(QStringLiteral("tls.key")) || yaml.contains(QStringLiteral("left out")),
                 qPrintable(yaml));
        QVERIFY2(!yaml.contains(QStringLiteral("PRIVATE KEY")), qPrintable(yaml));
    }

    void podFactsNameItsNode() {
        QVERIFY(state_->pods().size() > 0);
        const model::Pod& pod = *state_->pods().all().front();
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        panel.showObject({model::Kind::Pod, pod.meta.ns, pod.meta.name});
        const QString facts = panel.facts().join('\n');
        QVERIFY2(facts.contains(QStringLiteral("IP: ") + QString::fromStdString(pod.podIP)), qPrintable(facts));
        if (!pod.spec.nodeName.empty())
            QVERIFY2(facts.contains(QString::fromStdString(pod.spec.nodeName)), qPrintable(facts));
    }

    void nodeWithoutObject() {
        graph::GraphNode node;
        node.id = "Entry/class/nginx";
        node.lane = graph::Lane::Entry;
        node.label = "ingress-nginx";
        node.detail = "IngressClass nginx";
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        panel.showNode(node);
        QVERIFY(!panel.object());
        QVERIFY2(panel.facts().contains(QStringLiteral("Detail: IngressClass nginx")),
                 qPrintable(panel.facts().join('\n')));
    }

    void objectGoneClears() {
        gui::DetailsPanel panel;
        panel.setContext(table_, findings_);
        panel.showObject({model::Kind::Service, "shop", "api"});
        QVERIFY(panel.object());
        auto other =
            model::loadTexts({{"x.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\n"}});
        panel.setContext(sim::compileRouteTable(other.state, {}), {});
        QVERIFY(!panel.object());
    }
};

QTEST_MAIN(TestDetailsPanel)
#include "tst_details_panel.moc"
