#include "app/gui/details_panel.h"

#include "app/graph/graph.h"
#include "model/manifest_writer.h"
#include "simulator/route_table.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace hs::gui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::string refKey(const model::ObjectRef& r) { return r.ns.empty() ? r.name : r.ns + "/" + r.name; }

QString joinMap(const model::StringMap& m) {
    QStringList parts;
    for (const auto& [k, v] : m) parts << qs(k) + QLatin1Char('=') + qs(v);
    return parts.join(QStringLiteral(", "));
}

// Does this rule's traffic pass through `ref`?
bool passesThrough(const sim::RuleView& r, const model::ObjectRef& ref, const model::ClusterState& st) {
    const std::string key = refKey(ref);
    switch (ref.kind) {
    case model::Kind::Ingress:
    case model::Kind::HTTPRoute: return r.route == ref;
    case model::Kind::IngressClass: return r.entryId == "class/" + ref.name;
    case model::Kind::Gateway: return r.entryId == "gateway/" + key;
    case model::Kind::Service:
        for (const auto& b : r.backends)
            if (b.service == key) return true;
        return false;
    case model::Kind::EndpointSlice: {
        const auto* slice = st.endpointSlices().find(ref.ns, ref.name);
        const std::string* svc = slice ? model::lookup(slice->meta.labels, "kubernetes.io/service-name") : nullptr;
        if (!svc) return false;
        for (const auto& b : r.backends)
            if (b.service == ref.ns + "/" + *svc) return true;
        return false;
    }
    case model::Kind::Pod:
    case model::Kind::Node:
        for (const auto& b : r.backends)
            for (const auto& e : b.endpoints)
                if (ref.kind == model::Kind::Pod ? e.pod == key : e.node == ref.name) return true;
        return false;
    default: return false;
    }
}

// The object as a one-object snapshot, so manifest_writer can write it (live and derived objects
// have no document of their own).
std::string writtenYaml(const model::ClusterState& st, const model::ObjectRef& ref) {
    model::ClusterStateBuilder b;
    bool found = false;
    auto put = [&](const auto& store) {
        if (auto p = store.findShared(ref.ns, ref.name)) {
            b.add(p);
            found = true;
        }
    };
    switch (ref.kind) {
    case model::Kind::Namespace: put(st.namespaces()); break;
    case model::Kind::Node: put(st.nodes()); break;
    case model::Kind::IngressClass: put(st.ingressClasses()); break;
    case model::Kind::Ingress: put(st.ingresses()); break;
    case model::Kind::Service: put(st.services()); break;
    case model::Kind::EndpointSlice: put(st.endpointSlices()); break;
    case model::Kind::Pod: put(st.pods()); break;
    case model::Kind::Deployment:
    case model::Kind::StatefulSet:
    case model::Kind::ReplicaSet:
    case model::Kind::DaemonSet: put(st.workloads()); break;
    case model::Kind::Secret: put(st.secrets()); break;
    case model::Kind::ConfigMap: put(st.configMaps()); break;
    case model::Kind::GatewayClass: put(st.gatewayClasses()); break;
    case model::Kind::Gateway: put(st.gateways()); break;
    case model::Kind::HTTPRoute: put(st.httpRoutes()); break;
    case model::Kind::ReferenceGrant: put(st.referenceGrants()); break;
    }
    if (!found) return {};
    std::string out;
    for (const auto& f : model::writeManifests(*b.build())) out += f.text;
    return out;
}

}  // namespace

DetailsPanel::DetailsPanel(QWidget* parent) : QWidget(parent) {
    stack_ = new QStackedWidget(this);
    empty_ = new QLabel(tr("Select a node in the graph to see its object here: facts, YAML, warnings and the "
                           "routes that pass through it."),
                        this);
    empty_->setWordWrap(true);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setForegroundRole(QPalette::PlaceholderText);
    empty_->setMargin(16);

    auto* page = new QWidget(this);
    title_ = new QLabel(page);
    title_->setObjectName(QStringLiteral("detailsTitle"));
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    title_->setWordWrap(true);
    tabs_ = new QTabWidget(page);
    facts_ = new QTreeWidget(page);
    facts_->setColumnCount(2);
    facts_->setHeaderHidden(true);
    facts_->setRootIsDecorated(false);
    facts_->setAlternatingRowColors(true);
    facts_->setWordWrap(true);
    facts_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    yaml_ = new QPlainTextEdit(page);
    yaml_->setReadOnly(true);
    yaml_->setLineWrapMode(QPlainTextEdit::NoWrap);
    yaml_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    warnings_ = new QListWidget(page);
    warnings_->setWordWrap(true);
    routes_ = new QTreeWidget(page);
    routes_->setColumnCount(4);
    routes_->setHeaderLabels({tr("Route"), tr("Host and path"), tr("Backends"), tr("Status")});
    routes_->setRootIsDecorated(false);
    routes_->setAlternatingRowColors(true);
    tabs_->addTab(facts_, tr("Facts"));
    tabs_->addTab(yaml_, tr("YAML"));
    tabs_->addTab(warnings_, tr("Warnings"));
    tabs_->addTab(routes_, tr("Routes"));
    tabs_->setTabToolTip(
        2, tr("Findings of the loader, the reference checks and the controller profile about this object"));
    tabs_->setTabToolTip(3, tr("Every rule whose traffic passes through this object"));
    auto* pl = new QVBoxLayout(page);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->addWidget(title_);
    pl->addWidget(tabs_, 1);

    stack_->addWidget(empty_);
    stack_->addWidget(page);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(stack_);
}

DetailsPanel::~DetailsPanel() = default;

void DetailsPanel::setContext(std::shared_ptr<const sim::RouteTable> table, model::Diagnostics findings) {
    table_ = std::move(table);
    findings_ = std::move(findings);
    if (object_ && (!table_ || !table_->state().contains(*object_)))
        clear();
    else
        refresh();
}

void DetailsPanel::showNode(const graph::GraphNode& node) {
    nodeTitle_ = qs(node.label);
    nodeDetail_ = qs(node.detail);
    nodeHealth_ = node.health == graph::Health::Ok
        ? QString()
        : QStringLiteral("%1: %2").arg(QString::fromUtf8(graph::healthName(node.health)), qs(node.healthReason));
    object_ = node.object;
    if (!object_) {
        // An entry point or a folded group: no object of its own, show what the graph knows.
        stack_->setCurrentIndex(1);
        title_->setText(QStringLiteral("<b>%1</b> · %2").arg(nodeTitle_.toHtmlEscaped(), nodeDetail_.toHtmlEscaped()));
        facts_->clear();
        addFact(tr("Lane"), QString::fromUtf8(graph::laneName(node.lane)));
        if (!nodeDetail_.isEmpty()) addFact(tr("Detail"), nodeDetail_);
        if (node.members > 1) addFact(tr("Members"), QString::number(node.members));
        if (!nodeHealth_.isEmpty()) addFact(tr("Health"), nodeHealth_);
        yaml_->setPlainText(tr("# no single Kubernetes object behind this node"));
        warnings_->clear();
        routes_->clear();
        return;
    }
    refresh();
}

void DetailsPanel::showObject(const model::ObjectRef& ref) {
    nodeTitle_.clear();
    nodeDetail_.clear();
    nodeHealth_.clear();
    object_ = ref;
    refresh();
}

void DetailsPanel::clear() {
    object_.reset();
    stack_->setCurrentIndex(0);
    facts_->clear();
    yaml_->clear();
    warnings_->clear();
    routes_->clear();
}

void DetailsPanel::refresh() {
    if (!object_ || !table_) {
        if (!object_) clear();
        return;
    }
    const model::ObjectRef& ref = *object_;
    stack_->setCurrentIndex(1);
    title_->setText(QStringLiteral("<b>%1</b> %2")
                        .arg(QString::fromUtf8(model::kindName(ref.kind)), qs(refKey(ref)).toHtmlEscaped()));
    fillFacts(ref);
    fillYaml(ref);
    fillWarnings(ref);
    fillRoutes(ref);
    tabs_->setTabText(2, warnings_->count() ? tr("Warnings (%1)").arg(warnings_->count()) : tr("Warnings"));
    tabs_->setTabText(
        3, routes_->topLevelItemCount() ? tr("Routes (%1)").arg(routes_->topLevelItemCount()) : tr("Routes"));
}

void DetailsPanel::addFact(const QString& key, const QString& value) {
    auto* item = new QTreeWidgetItem(facts_, {key, value});
    item->setToolTip(1, value);
}

void DetailsPanel::fillFacts(const model::ObjectRef& ref) {
    facts_->clear();
    const model::ClusterState& st = table_->state();
    addFact(tr("Kind"), QString::fromUtf8(model::kindName(ref.kind)));
    if (!ref.ns.empty()) addFact(tr("Namespace"), qs(ref.ns));
    addFact(tr("Name"), qs(ref.name));
    if (!nodeHealth_.isEmpty()) addFact(tr("Health"), nodeHealth_);
    switch (ref.kind) {
    case model::Kind::Ingress:
        if (const auto* ing = st.ingresses().find(ref.ns, ref.name)) {
            addFact(tr("Class"), ing->ingressClassName ? qs(*ing->ingressClassName) : tr("(none: default class)"));
            for (const auto& rule : ing->rules) {
                QString host = rule.host.empty() ? tr("(any host)") : qs(rule.host);
                for (const auto& p : rule.paths) {
                    QString backend = p.backend.service ? qs(p.backend.service->name) + QLatin1Char(':') +
                            (p.backend.service->port.name.empty() ? QString::number(p.backend.service->port.number)
                                                                  : qs(p.backend.service->port.name))
                                                        : tr("(resource backend)");
                    addFact(tr("Rule"),
                            QStringLiteral("%1 %2 %3 → %4")
                                .arg(host, QString::fromUtf8(model::pathTypeName(p.pathType)), qs(p.path), backend));
                }
            }
            if (ing->defaultBackend && ing->defaultBackend->service)
                addFact(tr("Default backend"), qs(ing->defaultBackend->service->name));
            for (const auto& t : ing->tls) {
                QStringList hosts;
                for (const auto& h : t.hosts) hosts << qs(h);
                addFact(tr("TLS"),
                        QStringLiteral("%1 (Secret %2)").arg(hosts.join(QStringLiteral(", ")), qs(t.secretName)));
            }
            for (const auto& lb : ing->loadBalancer) addFact(tr("Address"), qs(lb.ip.empty() ? lb.hostname : lb.ip));
            for (const auto& [k, v] : ing->meta.annotations)
                addFact(tr("Annotation"), qs(k) + QStringLiteral(": ") + qs(v));
        }
        break;
    case model::Kind::Service:
        if (const auto* svc = st.services().find(ref.ns, ref.name)) {
            addFact(tr("Type"), qs(svc->type));
            if (!svc->clusterIP.empty()) addFact(tr("Cluster IP"), qs(svc->clusterIP));
            if (!svc->externalName.empty()) addFact(tr("External name"), qs(svc->externalName));
            for (const auto& p : svc->ports) {
                QString line = QStringLiteral("%1 %2/%3 → %4")
                                   .arg(p.name.empty() ? QString() : qs(p.name))
                                   .arg(p.port)
                                   .arg(qs(p.protocol))
                                   .arg(p.targetPort.empty() ? QString::number(p.port) : qs(p.targetPort.toString()));
                if (p.nodePort) line += tr(" · nodePort %1").arg(p.nodePort);
                addFact(tr("Port"), line.trimmed());
            }
            addFact(tr("Selector"), svc->selector ? joinMap(*svc->selector) : tr("(none: endpoints managed by hand)"));
            if (svc->selector) {
                QStringList pods;
                for (const auto* p : st.podsMatching(ref.ns, *svc->selector)) pods << qs(p->meta.name);
                addFact(tr("Pods"), pods.isEmpty() ? tr("none selected") : pods.join(QStringLiteral(", ")));
            }
            if (!svc->sessionAffinity.empty()) addFact(tr("Session affinity"), qs(svc->sessionAffinity));
        }
        break;
    case model::Kind::Pod:
        if (const auto* pod = st.pods().find(ref.ns, ref.name)) {
            addFact(tr("IP"),
                    qs(pod->podIP) + (pod->syntheticIP ? tr(" (invented: the manifest has no status)") : QString()));
            addFact(tr("Node"), pod->spec.nodeName.empty() ? tr("(not scheduled)") : qs(pod->spec.nodeName));
            if (!pod->phase.empty()) addFact(tr("Phase"), qs(pod->phase));
            addFact(tr("Ready"), pod->ready ? (*pod->ready ? tr("yes") : tr("no")) : tr("unknown (no status)"));
            for (const auto& c : pod->spec.containers) {
                QStringList ports;
                for (const auto& p : c.ports) ports << QString::number(p.containerPort);
                addFact(
                    tr("Container"),
                    QStringLiteral("%1 (%2)%3")
                        .arg(qs(c.name), qs(c.image),
                             ports.isEmpty() ? QString() : QStringLiteral(" ports ") + ports.join(QLatin1Char(','))));
            }
            if (pod->meta.derived) addFact(tr("Synthetic"), tr("from %1").arg(qs(pod->meta.derivedFrom)));
        }
        break;
    case model::Kind::Node:
        if (const auto* node = st.nodes().find(ref.ns, ref.name)) {
            for (const auto& a : node->addresses) addFact(qs(a.type), qs(a.address));
            addFact(tr("Ready"), node->ready ? (*node->ready ? tr("yes") : tr("no")) : tr("unknown"));
            if (!node->zone().empty()) addFact(tr("Zone"), qs(node->zone()));
        }
        break;
    case model::Kind::HTTPRoute:
        if (const auto* r = st.httpRoutes().find(ref.ns, ref.name)) {
            for (const auto& p : r->parentRefs)
                addFact(tr("Parent"),
                        QStringLiteral("%1 %2").arg(qs(p.kind), qs((p.ns.empty() ? ref.ns : p.ns) + "/" + p.name)));
            QStringList hosts;
            for (const auto& h : r->hostnames) hosts << qs(h);
            addFact(tr("Hostnames"), hosts.isEmpty() ? tr("(any)") : hosts.join(QStringLiteral(", ")));
            addFact(tr("Rules"), QString::number(r->rules.size()));
        }
        break;
    case model::Kind::Gateway:
        if (const auto* g = st.gateways().find(ref.ns, ref.name)) {
            addFact(tr("Class"), qs(g->gatewayClassName));
            addFact(tr("Listeners"), QString::number(g->listeners.size()));
        }
        break;
    case model::Kind::Secret:
        if (const auto* s = st.secrets().find(ref.ns, ref.name)) {
            addFact(tr("Type"), qs(s->type));
            if (s->certificate) {
                QStringList names;
                for (const auto& n : s->certificate->dnsNames) names << qs(n);
                addFact(tr("Certificate names"), names.join(QStringLiteral(", ")));
                addFact(tr("Valid until"),
                        QDateTime::fromSecsSinceEpoch(s->certificate->notAfter).toString(Qt::ISODate));
            }
        }
        break;
    default: break;
    }
    if (const model::ObjectMeta* meta = st.meta(ref)) {
        if (!meta->labels.empty()) addFact(tr("Labels"), joinMap(meta->labels));
        if (meta->loc.known())
            addFact(tr("Source"), QStringLiteral("%1:%2").arg(qs(meta->loc.fileName())).arg(meta->loc.line));
        else if (meta->derived)
            addFact(tr("Source"), tr("synthesised from %1").arg(qs(meta->derivedFrom)));
    }
}

void DetailsPanel::fillYaml(const model::ObjectRef& ref) {
    const model::ClusterState& st = table_->state();
    const model::ObjectMeta* meta = st.meta(ref);
    // Secrets are always written out: the document as read would carry the key.
    if (meta && meta->source && ref.kind != model::Kind::Secret) {
        yaml_->setPlainText(qs(meta->source->text));
        return;
    }
    std::string text = writtenYaml(st, ref);
    if (text.empty() && meta && meta->derived)
        text = "# synthesised by Hopscope from " + meta->derivedFrom + "; not written to manifests\n";
    yaml_->setPlainText(qs(text));
}

void DetailsPanel::fillWarnings(const model::ObjectRef& ref) {
    warnings_->clear();
    const std::string display = ref.display();
    for (const auto& d : findings_) {
        if (d.object != display) continue;
        auto* item = new QListWidgetItem(qs(d.format()), warnings_);
        item->setToolTip(qs(d.code));
        item->setIcon(QIcon(d.severity == model::Severity::Error         ? QStringLiteral(":/icons/error.svg")
                                : d.severity == model::Severity::Warning ? QStringLiteral(":/icons/warning.svg")
                                                                         : QStringLiteral(":/icons/info.svg")));
    }
    if (warnings_->count() == 0) {
        auto* none = new QListWidgetItem(tr("No findings about this object."), warnings_);
        none->setFlags(Qt::NoItemFlags);
    }
}

void DetailsPanel::fillRoutes(const model::ObjectRef& ref) {
    routes_->clear();
    const model::ClusterState& st = table_->state();
    for (const sim::RuleView& r : table_->rules()) {
        if (!passesThrough(r, ref, st)) continue;
        QStringList backends;
        for (const auto& b : r.backends) {
            QString s =
                qs(b.service) + QLatin1Char(':') + (b.portName.empty() ? QString::number(b.port) : qs(b.portName));
            if (!b.label.empty()) s += QStringLiteral(" (%1)").arg(qs(b.label));
            backends << s;
        }
        QString status = QString::fromUtf8(sim::ruleStatusName(r.status));
        if (!r.reason.empty()) status += QStringLiteral(": ") + qs(r.reason);
        auto* item =
            new QTreeWidgetItem(routes_,
                                {qs(r.route.display()),
                                 QStringLiteral("%1 %2 %3")
                                     .arg(r.host.empty() ? tr("(any host)") : qs(r.host), qs(r.pathType), qs(r.path))
                                     .simplified(),
                                 backends.join(QStringLiteral(", ")), status});
        for (int c = 0; c < 4; ++c) item->setToolTip(c, item->text(c));
    }
    for (int c = 0; c < 3; ++c) routes_->resizeColumnToContents(c);
    if (routes_->topLevelItemCount() == 0) {
        auto* none = new QTreeWidgetItem(routes_, {tr("No route passes through this object.")});
        none->setFlags(Qt::NoItemFlags);
        none->setFirstColumnSpanned(true);
    }
}

QStringList DetailsPanel::facts() const {
    QStringList out;
    for (int i = 0; i < facts_->topLevelItemCount(); ++i)
        out << facts_->topLevelItem(i)->text(0) + QStringLiteral(": ") + facts_->topLevelItem(i)->text(1);
    return out;
}

QString DetailsPanel::yaml() const { return yaml_->toPlainText(); }

QStringList DetailsPanel::warnings() const {
    QStringList out;
    for (int i = 0; i < warnings_->count(); ++i)
        if (warnings_->item(i)->flags() != Qt::NoItemFlags) out << warnings_->item(i)->text();
    return out;
}

QStringList DetailsPanel::routes() const {
    QStringList out;
    for (int i = 0; i < routes_->topLevelItemCount(); ++i) {
        const auto* it = routes_->topLevelItem(i);
        if (it->flags() == Qt::NoItemFlags) continue;
        out << QStringLiteral("%1 · %2 → %3 [%4]").arg(it->text(0), it->text(1), it->text(2), it->text(3));
    }
    return out;
}

}  // namespace hs::gui
