#include "app/gui/teaching_panel.h"

#include "model/objects.h"
#include "resources/demo.h"

#include <QAction>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QSplitter>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace hs::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString esc(const std::string& s) { return q(s).toHtmlEscaped(); }

// "  - path: /api" -> key "path", value "/api" (list dash, quotes and trailing comments removed).
bool keyValue(const QString& line, QString& key, QString& value) {
    QString t = line.trimmed();
    if (t.startsWith(QLatin1String("- "))) t = t.mid(2).trimmed();
    if (t.startsWith(u'#')) return false;
    qsizetype colon = -1;
    // The key ends at the first ": " (or a trailing ':'); keys may hold dots and slashes.
    for (qsizetype i = 0; i < t.size(); ++i) {
        if (t[i] == u':' && (i + 1 == t.size() || t[i + 1] == u' ')) {
            colon = i;
            break;
        }
    }
    if (colon <= 0) return false;
    key = t.left(colon).trimmed();
    if (key.size() > 1 && (key.front() == u'"' || key.front() == u'\'') && key.back() == key.front())
        key = key.mid(1, key.size() - 2);
    value = t.mid(colon + 1).trimmed();
    if (value.size() > 1 && (value.front() == u'"' || value.front() == u'\'') && value.back() == value.front())
        value = value.mid(1, value.size() - 2);
    return true;
}

// Secret material must never reach the screen: values that look like long base64 blobs (the
// data of a Secret, a kubeconfig's certificate data) are replaced by their size.
QString redact(const QString& line) {
    static const QRegularExpression blob(QStringLiteral("^(\\s*(?:- )?[^:#]+:\\s*)([A-Za-z0-9+/=]{40,})\\s*$"));
    auto m = blob.match(line);
    if (!m.hasMatch()) return line;
    return m.captured(1) + QStringLiteral("<%1 characters of base64, not shown>").arg(m.captured(2).size());
}

// Every "ns/name" in the text, in order of appearance.
QStringList objectKeysIn(const std::string& text) {
    static const QRegularExpression re(
        QStringLiteral("([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)/([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)"));
    QStringList out;
    auto it = re.globalMatch(q(text));
    while (it.hasNext()) out << it.next().captured(0);
    return out;
}

std::pair<std::string, std::string> splitKey(const std::string& key) {
    auto slash = key.find('/');
    if (slash == std::string::npos) return {"", key};
    return {key.substr(0, slash), key.substr(slash + 1)};
}

QString outcomeLine(const sim::Decision& d) {
    QString s = QStringLiteral("→ <b>%1</b>").arg(QString::fromLatin1(sim::outcomeName(d.outcome)));
    if (d.status) s += QStringLiteral(" %1").arg(d.status);
    if (!d.redirectLocation.empty()) s += QStringLiteral(" → ") + esc(d.redirectLocation);
    if (!d.service.empty())
        s += QStringLiteral(" · Service ") + esc(d.service) +
            (d.servicePort ? QStringLiteral(":%1").arg(d.servicePort) : QString());
    if (d.canary) s += QStringLiteral(" (canary)");
    if (!d.endpoint.empty()) s += QStringLiteral(" · ") + esc(d.endpoint);
    if (!d.pod.empty()) s += QStringLiteral(" · Pod ") + esc(d.pod);
    if (!d.node.empty()) s += QStringLiteral(" on ") + esc(d.node);
    if (!d.upstreamPath.empty()) s += QStringLiteral(" · upstream path ") + esc(d.upstreamPath);
    return s;
}

}  // namespace

// What the YAML pane shows for one hop.
struct TeachingPanel::YamlView {
    QString caption;  // object, file, lines, what is approximate
    QStringList lines;  // the document's lines, numbered as in the file
    QList<int> fieldLines;  // indices into lines: the fields the hop used
    int firstFileLine = 0;  // file line number of lines[0]
};

TeachingPanel::TeachingPanel(QWidget* parent) : QWidget(parent) {
    std::vector<std::string> errors;
    lessons_ = builtinLessons(&errors);
    for (const auto& e : errors) lessonErrors_ << q(e);
    buildUi();
    showNothing(tr("Pick a lesson above, or type a URL and press Route."));
}

TeachingPanel::~TeachingPanel() = default;

void TeachingPanel::buildUi() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* top = new QHBoxLayout;
    lessonBox_ = new QComboBox(this);
    lessonBox_->addItem(tr("Free mode: type any URL"));
    for (const Lesson& l : lessons_) lessonBox_->addItem(q(l.title));
    lessonBox_->setToolTip(tr("Guided lessons run on the bundled demo cluster"));
    requestBox_ = new QComboBox(this);
    requestBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    requestBox_->setMinimumContentsLength(24);
    top->addWidget(new QLabel(tr("Lesson:"), this));
    top->addWidget(lessonBox_, 1);
    top->addWidget(requestBox_, 2);
    layout->addLayout(top);

    banner_ = new QLabel(this);
    banner_->setWordWrap(true);
    banner_->setStyleSheet(QStringLiteral("QLabel { background: #fff4ce; border: 1px solid #e0c060; padding: 4px; }"));
    banner_->hide();
    layout->addWidget(banner_);

    intro_ = new QTextBrowser(this);
    intro_->setMaximumHeight(90);
    intro_->setOpenExternalLinks(false);
    layout->addWidget(intro_);

    freeRow_ = new QWidget(this);
    auto* free = new QHBoxLayout(freeRow_);
    free->setContentsMargins(0, 0, 0, 0);
    urlEdit_ = new QLineEdit(freeRow_);
    urlEdit_->setPlaceholderText(QStringLiteral("https://shop.example.com/api/v2/orders"));
    headersEdit_ = new QLineEdit(freeRow_);
    headersEdit_->setPlaceholderText(tr("headers: X-Canary: always; Cookie: a=b"));
    auto* route = new QPushButton(tr("Route"), freeRow_);
    free->addWidget(urlEdit_, 3);
    free->addWidget(headersEdit_, 2);
    free->addWidget(route);
    layout->addWidget(freeRow_);

    auto* steps = new QHBoxLayout;
    backButton_ = new QToolButton(this);
    backButton_->setText(tr("◀ Back"));
    backButton_->setToolTip(tr("Previous hop (Left)"));
    backButton_->setShortcut(Qt::Key_Left);
    playButton_ = new QToolButton(this);
    playButton_->setText(tr("▶ Play"));
    playButton_->setCheckable(true);
    playButton_->setToolTip(tr("Step through the hops by itself (Space)"));
    playButton_->setShortcut(Qt::Key_Space);
    nextButton_ = new QToolButton(this);
    nextButton_->setText(tr("Next ▶"));
    nextButton_->setToolTip(tr("Next hop (Right)"));
    nextButton_->setShortcut(Qt::Key_Right);
    stepLabel_ = new QLabel(this);
    steps->addWidget(backButton_);
    steps->addWidget(playButton_);
    steps->addWidget(nextButton_);
    steps->addWidget(stepLabel_, 1);
    layout->addLayout(steps);

    auto* split = split_ = new QSplitter(Qt::Vertical, this);
    explanation_ = new QTextBrowser(split);
    auto* yamlBox = new QWidget(split);
    auto* yamlLayout = new QVBoxLayout(yamlBox);
    yamlLayout->setContentsMargins(0, 0, 0, 0);
    yamlCaption_ = new QLabel(yamlBox);
    yamlCaption_->setWordWrap(true);
    yamlCaption_->setTextFormat(Qt::RichText);
    yaml_ = new QPlainTextEdit(yamlBox);
    yaml_->setReadOnly(true);
    yaml_->setLineWrapMode(QPlainTextEdit::NoWrap);
    yaml_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    yamlLayout->addWidget(yamlCaption_);
    yamlLayout->addWidget(yaml_, 1);
    split->addWidget(explanation_);
    split->addWidget(yamlBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    timer_ = new QTimer(this);
    timer_->setInterval(1500);

    connect(lessonBox_, &QComboBox::activated, this, [this](int i) { openLesson(i - 1); });
    connect(requestBox_, &QComboBox::activated, this, &TeachingPanel::openRequest);
    connect(route, &QPushButton::clicked, this, &TeachingPanel::routeFreeText);
    connect(urlEdit_, &QLineEdit::returnPressed, this, &TeachingPanel::routeFreeText);
    connect(headersEdit_, &QLineEdit::returnPressed, this, &TeachingPanel::routeFreeText);
    connect(backButton_, &QToolButton::clicked, this, &TeachingPanel::back);
    connect(nextButton_, &QToolButton::clicked, this, &TeachingPanel::next);
    connect(playButton_, &QToolButton::toggled, this, &TeachingPanel::setPlaying);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (hop_ + 1 < hopCount()) next();
        if (hop_ + 1 >= hopCount()) setPlaying(false);
    });
}

void TeachingPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // Docked under the graph the panel is wide and low: explanation and YAML side by side.
    const bool wide = width() > height() * 5 / 4;
    split_->setOrientation(wide ? Qt::Horizontal : Qt::Vertical);
    intro_->setMaximumHeight(wide ? 64 : 90);
    // Keep the highlighted lines in view once the children have their new sizes.
    QTimer::singleShot(0, this, [this] { yaml_->centerCursor(); });
}

void TeachingPanel::setTable(std::shared_ptr<const sim::RouteTable> table) {
    table_ = std::move(table);
    freeSession_.reset();
    updateControls();
}

int TeachingPanel::lessonCount() const { return static_cast<int>(lessons_.size()); }

QString TeachingPanel::lessonTitle(int index) const {
    if (index < 0 || index >= lessonCount()) return {};
    return q(lessons_[static_cast<std::size_t>(index)].title);
}

int TeachingPanel::requestCount() const {
    if (lesson_ >= 0) return static_cast<int>(run_.decisions.size());
    return free_.empty() ? 0 : 1;
}

const sim::Decision* TeachingPanel::currentDecision() const {
    if (lesson_ >= 0) {
        if (request_ < 0 || request_ >= static_cast<int>(run_.decisions.size())) return nullptr;
        return &run_.decisions[static_cast<std::size_t>(request_)];
    }
    return free_.empty() ? nullptr : &free_.front();
}

int TeachingPanel::hopCount() const {
    const sim::Decision* d = currentDecision();
    return d ? static_cast<int>(d->hops.size()) : 0;
}

bool TeachingPanel::isPlaying() const { return timer_->isActive(); }

void TeachingPanel::setPlayInterval(int milliseconds) { timer_->setInterval(std::max(1, milliseconds)); }

QStringList TeachingPanel::currentMismatches() const {
    QStringList out;
    if (lesson_ < 0 || request_ < 0 || request_ >= static_cast<int>(run_.mismatches.size())) return out;
    for (const auto& m : run_.mismatches[static_cast<std::size_t>(request_)]) out << q(m);
    return out;
}

QStringList TeachingPanel::highlightedYamlLines() const { return highlighted_; }
QList<int> TeachingPanel::highlightedFileLines() const { return highlightedFileLines_; }
QString TeachingPanel::yamlHeader() const { return yamlCaption_->text(); }

void TeachingPanel::ensureDemo() {
    if (demo_) return;
    demo_ = demo::load().state;
}

const model::ClusterState* TeachingPanel::stateOfCurrent() const {
    if (lesson_ >= 0) return run_.table ? &run_.table->state() : nullptr;
    return table_ ? &table_->state() : (demo_ ? demo_.get() : nullptr);
}

void TeachingPanel::openLesson(int index) {
    setPlaying(false);
    if (index < 0 || index >= lessonCount()) {  // free mode
        lesson_ = -1;
        run_ = {};
        request_ = free_.empty() ? -1 : 0;
        lessonBox_->setCurrentIndex(0);
        requestBox_->clear();
        intro_->setHtml(
            tr("<p><b>Free mode.</b> Type any URL (and headers, if you like) and press Route: the "
               "request is routed on the cluster the graph shows, and you can step through it hop by "
               "hop.</p>"));
        if (!free_.empty())
            showHop(0);
        else
            showNothing(tr("Type a URL and press Route."));
        updateControls();
        return;
    }
    ensureDemo();
    lesson_ = index;
    const Lesson& l = lessons_[static_cast<std::size_t>(index)];
    run_ = runLesson(l, demo_);
    lessonBox_->setCurrentIndex(index + 1);
    requestBox_->clear();
    for (std::size_t i = 0; i < l.requests.size(); ++i) {
        const LessonRequest& r = l.requests[i];
        requestBox_->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(q(r.label.empty() ? r.url : r.label)));
    }
    QString intro = QStringLiteral("<p><b>%1</b> — %2</p>").arg(esc(l.title), esc(l.intro));
    if (!l.controllerConfig.empty()) {
        QString keys;
        for (const auto& [k, v] : l.controllerConfig) keys += (keys.isEmpty() ? "" : ", ") + esc(k) + ": " + esc(v);
        intro +=
            tr("<p><i>This lesson routes on the demo with the controller ConfigMap changed: %1.</i></p>").arg(keys);
    }
    intro_->setHtml(intro);
    if (!run_.error.empty()) {
        request_ = -1;
        showNothing(tr("This lesson cannot run: %1").arg(q(run_.error)));
        updateControls();
        return;
    }
    openRequest(0);
}

void TeachingPanel::openRequest(int index) {
    setPlaying(false);
    if (lesson_ < 0 || index < 0 || index >= static_cast<int>(run_.decisions.size())) return;
    request_ = index;
    requestBox_->setCurrentIndex(index);
    showHop(0);
}

bool TeachingPanel::routeUrl(const QString& url, const QStringList& headers) {
    setPlaying(false);
    sim::ParsedUrl p = sim::parseUrl(url.trimmed().toStdString());
    if (!p.error.empty()) {
        showNothing(tr("Cannot route %1: %2").arg(url.toHtmlEscaped(), q(p.error).toHtmlEscaped()));
        return false;
    }
    for (const QString& h : headers) {
        const qsizetype colon = h.indexOf(u':');
        if (colon <= 0) {
            showNothing(tr("Header '%1': expected 'Name: value'").arg(h.toHtmlEscaped()));
            return false;
        }
        const std::string name = h.left(colon).trimmed().toStdString();
        const std::string value = h.mid(colon + 1).trimmed().toStdString();
        if (sim::iequals(name, "host"))
            p.request.host = value;
        else
            p.request.headers.push_back({name, value});
    }
    if (lesson_ >= 0) {  // leave the lesson without showing the previous free-mode request again
        free_.clear();
        openLesson(-1);
    }
    if (!table_) {
        ensureDemo();
        table_ = sim::compileRouteTable(demo_, {});
    }
    if (!freeSession_) freeSession_ = table_->newSession(1);
    freeRequest_ = std::move(p.request);
    free_.assign(1, sim::Decision{});
    freeSession_->route(freeRequest_, free_.front(), {true});
    request_ = 0;
    urlEdit_->setText(url);
    showHop(0);
    return true;
}

void TeachingPanel::routeFreeText() {
    QStringList headers;
    for (const QString& h : headersEdit_->text().split(u';', Qt::SkipEmptyParts))
        if (!h.trimmed().isEmpty()) headers << h.trimmed();
    routeUrl(urlEdit_->text(), headers);
}

void TeachingPanel::next() {
    if (hop_ + 1 < hopCount()) showHop(hop_ + 1);
}

void TeachingPanel::back() {
    if (hop_ > 0) showHop(hop_ - 1);
}

void TeachingPanel::setPlaying(bool on) {
    if (on && hopCount() == 0) on = false;
    if (on == timer_->isActive()) {
        updateControls();
        return;
    }
    if (on) {
        if (hop_ + 1 >= hopCount()) showHop(0);  // play again from the start
        timer_->start();
    } else {
        timer_->stop();
    }
    updateControls();
}

void TeachingPanel::updateControls() {
    const int n = hopCount();
    backButton_->setEnabled(hop_ > 0);
    nextButton_->setEnabled(hop_ + 1 < n);
    playButton_->setEnabled(n > 0);
    {
        const QSignalBlocker block(playButton_);
        playButton_->setChecked(timer_->isActive());
        playButton_->setText(timer_->isActive() ? tr("❚❚ Pause") : tr("▶ Play"));
    }
    freeRow_->setVisible(lesson_ < 0);  // lessons bring their own requests; "Free mode" is in the list
    requestBox_->setVisible(lesson_ >= 0);
    const bool otherCluster = table_ && table_->state().source() != "demo";
    if (lesson_ >= 0 && otherCluster) {
        banner_->setText(tr("The graph shows %1; lessons run on the bundled demo cluster, so the graph may not "
                            "have the objects this lesson talks about. Open the demo to follow along on the graph.")
                             .arg(q(table_->state().source())));
        banner_->show();
    } else {
        banner_->hide();
    }
    if (n > 0 && hop_ >= 0) {
        const sim::Decision* d = currentDecision();
        stepLabel_->setText(
            tr("Hop %1 of %2 · %3")
                .arg(hop_ + 1)
                .arg(n)
                .arg(QString::fromLatin1(sim::stageName(d->hops[static_cast<std::size_t>(hop_)].stage))));
    } else {
        stepLabel_->clear();
    }
}

void TeachingPanel::showNothing(const QString& why) {
    hop_ = -1;
    explanation_->setHtml(QStringLiteral("<p>%1</p>").arg(why));
    yaml_->clear();
    yamlCaption_->clear();
    highlighted_.clear();
    highlightedFileLines_.clear();
    updateControls();
}

void TeachingPanel::showHop(int hop) {
    const sim::Decision* d = currentDecision();
    if (!d) return;
    const int n = static_cast<int>(d->hops.size());
    hop_ = n == 0 ? -1 : std::clamp(hop, 0, n - 1);
    const LessonRequest* lr = (lesson_ >= 0 && request_ >= 0)
        ? &lessons_[static_cast<std::size_t>(lesson_)].requests[static_cast<std::size_t>(request_)]
        : nullptr;
    const sim::Request& req = lesson_ >= 0 ? run_.requests[static_cast<std::size_t>(request_)] : freeRequest_;

    QString html =
        QStringLiteral("<p style='color:#555'>%1 %2://%3%4</p>")
            .arg(esc(req.method), esc(req.scheme), req.host.empty() ? tr("(no Host)") : esc(req.host), esc(req.target));
    for (const auto& h : req.headers)
        html += QStringLiteral("<p style='color:#555; margin:0'>%1: %2</p>").arg(esc(h.name), esc(h.value));
    highlighted_.clear();
    highlightedFileLines_.clear();
    if (hop_ >= 0) {
        const sim::Hop& h = d->hops[static_cast<std::size_t>(hop_)];
        const std::string stage = sim::stageName(h.stage);
        html += QStringLiteral("<h3>%1. %2</h3>").arg(hop_ + 1).arg(QString::fromLatin1(sim::stageName(h.stage)));
        if (lr) {
            auto it = lr->teach.find(stage);
            if (it != lr->teach.end())
                html +=
                    QStringLiteral(
                        "<table width='100%' style='background:#eaf3ff' cellpadding='6'><tr><td>%1</td></tr></table>")
                        .arg(esc(it->second));
        }
        html += tr("<p><b>The controller:</b> %1</p>").arg(esc(h.decision));
        if (!h.reason.empty()) html += tr("<p><b>Because:</b> %1</p>").arg(esc(h.reason));
        if (!h.departure.empty()) html += tr("<p><i>Note: %1</i></p>").arg(esc(h.departure));
        if (!h.rejected.empty()) {
            html += tr("<p><b>Other candidates, and why not:</b></p><ul>");
            std::size_t shown = 0;
            for (const auto& rj : h.rejected) {
                if (++shown > 8) {
                    html += tr("<li>… and %1 more</li>").arg(h.rejected.size() - 8);
                    break;
                }
                html += QStringLiteral("<li>✗ %1 — %2</li>").arg(esc(rj.what), esc(rj.why));
            }
            html += QStringLiteral("</ul>");
        }

        YamlView v = yamlFor(*d, h);
        yamlCaption_->setText(v.caption);
        yaml_->setPlainText(v.lines.join(u'\n'));
        QList<QTextEdit::ExtraSelection> sel;
        QTextCharFormat blockFormat;
        blockFormat.setBackground(QColor(0xf3, 0xf6, 0xfb));
        blockFormat.setProperty(QTextFormat::FullWidthSelection, true);
        QTextCharFormat fieldFormat;
        fieldFormat.setBackground(QColor(0xff, 0xe5, 0x8a));
        fieldFormat.setProperty(QTextFormat::FullWidthSelection, true);
        for (int i = 0; i < v.lines.size(); ++i) {
            QTextEdit::ExtraSelection s;
            s.cursor = QTextCursor(yaml_->document()->findBlockByNumber(i));
            s.format = v.fieldLines.contains(i) ? fieldFormat : blockFormat;
            sel << s;
        }
        yaml_->setExtraSelections(sel);
        for (int i : v.fieldLines) {
            highlighted_ << v.lines[i];
            highlightedFileLines_ << v.firstFileLine + i;
        }
        if (!v.fieldLines.isEmpty()) {
            QTextCursor c(yaml_->document()->findBlockByNumber(v.fieldLines.front()));
            yaml_->setTextCursor(c);
            yaml_->centerCursor();
        }
    } else {
        yaml_->clear();
        yamlCaption_->setText(tr("This decision has no hops to step through."));
    }
    if (hop_ < 0 || hop_ + 1 == n) {
        html += QStringLiteral("<hr><p>%1</p>").arg(outcomeLine(*d));
        if (lr && !lr->summary.empty()) html += QStringLiteral("<p>%1</p>").arg(esc(lr->summary));
        const QStringList mismatches = currentMismatches();
        if (lr) {
            if (mismatches.isEmpty())
                html += tr("<p style='color:#2a7a2a'>✓ The engine's decision is what this lesson says.</p>");
            else
                html += tr("<p style='color:#b00020'>✗ The engine disagrees with this lesson: %1</p>")
                            .arg(mismatches.join(QStringLiteral("; ")).toHtmlEscaped());
        }
    }
    explanation_->setHtml(html);
    updateControls();
    emit hopShown(*d, hop_);
}

TeachingPanel::YamlView TeachingPanel::yamlFor(const sim::Decision& d, const sim::Hop& h) const {
    YamlView v;
    const model::ClusterState* state = stateOfCurrent();
    if (!state) return v;

    auto metaOf = [&](model::Kind k, const std::string& key) -> const model::ObjectMeta* {
        if (key.empty()) return nullptr;
        auto [ns, name] = splitKey(key);
        return state->meta(model::ObjectRef{k, ns, name});
    };
    // The Ingress the hop's own words name first (decision, then reason), else the decision's.
    auto ingressOfHop = [&]() -> const model::ObjectMeta* {
        for (const std::string* text : {&h.decision, &h.reason})
            for (const QString& key : objectKeysIn(*text))
                if (const auto* m = metaOf(model::Kind::Ingress, key.toStdString())) return m;
        return metaOf(model::Kind::Ingress, d.ingress);
    };

    const model::ObjectMeta* meta = nullptr;
    QString kindLabel;
    QString note;  // what the caption must admit
    // Field predicates: (key, value) of a line -> highlighted?
    std::function<bool(const QString&, const QString&, const QString&)> field;
    const QString server = q(d.server), host = q(d.host), path = q(d.path);

    switch (h.stage) {
    case sim::Stage::Tls: {
        if (d.tlsCertificate.empty() || d.tlsCertificate == "default") {
            v.caption = tr("No manifest: the controller's built-in default certificate answered.");
            return v;
        }
        meta = ingressOfHop();
        kindLabel = QStringLiteral("Ingress");
        const QString secret = q(splitKey(d.tlsCertificate).second);
        field = [secret, server](const QString& k, const QString& val, const QString& line) {
            return (k == QLatin1String("secretName") && val == secret) ||
                (k == QLatin1String("hosts") && val.contains(server)) ||
                line.trimmed() == QStringLiteral("- ") + server;
        };
        break;
    }
    case sim::Stage::Host:
        meta = ingressOfHop();
        kindLabel = QStringLiteral("Ingress");
        // A redirect decided before any rule (app-root) leaves d.host empty: the server names it.
        // The catch-all server has no host line: its rules are hostless paths or a defaultBackend.
        field = [host, server, path](const QString& k, const QString& val, const QString&) {
            const QString name = host.isEmpty() && server != QLatin1String("_") ? server : host;
            if (!name.isEmpty()) return k == QLatin1String("host") && val == name;
            return k == QLatin1String("defaultBackend") ||
                (!path.isEmpty() && k == QLatin1String("path") && val == path);
        };
        break;
    case sim::Stage::Path: {
        meta = ingressOfHop();
        kindLabel = QStringLiteral("Ingress");
        bool inPath = false;  // the pathType line right after the matched path
        field = [path, inPath](const QString& k, const QString& val, const QString&) mutable {
            if (path.isEmpty()) return k == QLatin1String("defaultBackend");
            if (k == QLatin1String("path")) return inPath = (val == path);
            if (k == QLatin1String("pathType") && inPath) {
                inPath = false;
                return true;
            }
            return false;
        };
        break;
    }
    case sim::Stage::Annotation: {
        meta = ingressOfHop();
        kindLabel = QStringLiteral("Ingress");
        const QString words = q(h.decision + ' ' + h.reason);
        bool any = false;
        if (meta)
            for (const auto& [k, val] : meta->annotations) {
                const auto slash = k.rfind('/');
                if (words.contains(q(k.substr(slash == std::string::npos ? 0 : slash + 1)))) any = true;
            }
        if (any) {
            field = [words](const QString& k, const QString&, const QString&) {
                const qsizetype slash = k.lastIndexOf(u'/');
                return k.contains(QLatin1String("kubernetes.io/")) && words.contains(k.mid(slash + 1));
            };
        } else {
            note =
                tr("no annotation of this Ingress is named in the hop (a controller default applies); "
                   "the highlighted lines are the ones the default depends on");
            const QString secretHint =
                words.contains(QLatin1String("redirect")) ? QStringLiteral("secretName") : QString();
            field = [secretHint, host](const QString& k, const QString& val, const QString&) {
                return (!secretHint.isEmpty() && k == secretHint) || (k == QLatin1String("host") && val == host);
            };
        }
        break;
    }
    case sim::Stage::Canary: {
        for (const auto& ing : state->ingresses().all()) {
            const std::string* c = model::lookup(ing->meta.annotations, "nginx.ingress.kubernetes.io/canary");
            if (!c || *c != "true") continue;
            for (const auto& rule : ing->rules)
                for (const auto& p : rule.paths)
                    if (rule.host == d.host && p.path == d.path) meta = &ing->meta;
        }
        if (!meta) meta = ingressOfHop();
        kindLabel = QStringLiteral("Ingress");
        field = [](const QString& k, const QString&, const QString&) {
            return k.startsWith(QLatin1String("nginx.ingress.kubernetes.io/canary"));
        };
        break;
    }
    case sim::Stage::Service: {
        meta = metaOf(model::Kind::Service, d.service);
        kindLabel = QStringLiteral("Service");
        const QString port = QString::number(d.servicePort), portName = q(d.servicePortName);
        int after = 99;  // lines since the port line: its name / targetPort neighbours
        field = [port, portName, after](const QString& k, const QString& val, const QString&) mutable {
            ++after;
            if (k == QLatin1String("externalName") || k == QLatin1String("type"))
                return k == QLatin1String("externalName");
            if (k == QLatin1String("port") && val == port) {
                after = 0;
                return true;
            }
            if (!portName.isEmpty() && k == QLatin1String("name") && val == portName) return true;
            return k == QLatin1String("targetPort") && after <= 2;
        };
        break;
    }
    case sim::Stage::Endpoint: {
        const std::string ip = d.endpoint.substr(0, d.endpoint.rfind(':'));
        auto [ns, svc] = splitKey(d.service);
        for (const model::EndpointSlice* s : state->slicesForService(ns, svc))
            for (const auto& e : s->endpoints)
                if (std::find(e.addresses.begin(), e.addresses.end(), ip) != e.addresses.end()) meta = &s->meta;
        kindLabel = QStringLiteral("EndpointSlice");
        const QString qip = q(ip);
        field = [qip](const QString& k, const QString& val, const QString& line) {
            return (k == QLatin1String("addresses") && val.contains(qip)) ||
                line.trimmed() == QStringLiteral("- ") + qip;
        };
        break;
    }
    case sim::Stage::Pod: {
        meta = metaOf(model::Kind::Pod, d.pod);
        kindLabel = QStringLiteral("Pod");
        const QString node = q(d.node), ip = q(d.endpoint.substr(0, d.endpoint.rfind(':')));
        field = [node, ip](const QString& k, const QString& val, const QString&) {
            return (k == QLatin1String("nodeName") && val == node) || (k == QLatin1String("podIP") && val == ip);
        };
        break;
    }
    }

    // Objects Hopscope synthesised have no text: show what they were derived from.
    if (meta && !meta->source && meta->derived) {
        const std::string from = meta->derivedFrom;  // "Deployment shop/api", "Service shop/api"
        const auto sp = from.find(' ');
        const QString derivedNote = tr("%1 %2 is synthesised by Hopscope from %3 (the manifests do not list it)")
                                        .arg(kindLabel, q(meta->key()), q(from));
        if (sp != std::string::npos) {
            if (auto k = model::kindFromName(from.substr(0, sp))) {
                const auto* origin = metaOf(*k, from.substr(sp + 1));
                if (origin) {
                    meta = origin;
                    kindLabel = q(from.substr(0, sp));
                    note = derivedNote;
                    if (kindLabel == QLatin1String("Service"))
                        field = [](const QString& k2, const QString&, const QString&) {
                            return k2 == QLatin1String("selector") || k2 == QLatin1String("targetPort");
                        };
                    else
                        field = [](const QString& k2, const QString&, const QString&) {
                            return k2 == QLatin1String("replicas") || k2 == QLatin1String("containerPort");
                        };
                }
            }
        }
        if (!meta->source) {
            v.caption = derivedNote + '.';
            return v;
        }
    }
    if (!meta) {
        v.caption = tr("No manifest object belongs to this hop.");
        return v;
    }
    if (!meta->source) {
        v.caption = tr("%1 %2 was read from a live cluster: no manifest text to show.").arg(kindLabel, q(meta->key()));
        return v;
    }

    const QString text = q(meta->source->text);
    v.firstFileLine = static_cast<int>(meta->source->loc.line ? meta->source->loc.line : 1);
    const QStringList raw = text.split(u'\n');
    const int width = static_cast<int>(QString::number(v.firstFileLine + raw.size()).size());
    QString key, value;
    for (int i = 0; i < raw.size(); ++i) {
        const QString line = redact(raw[i]);
        v.lines << QStringLiteral("%1 │ %2").arg(v.firstFileLine + i, width).arg(line);
        const bool isKeyValue = keyValue(raw[i], key, value);
        if (field && field(isKeyValue ? key : QString(), isKeyValue ? value : QString(), raw[i])) v.fieldLines << i;
    }
    while (!v.lines.isEmpty() && v.lines.back().endsWith(QStringLiteral("│ "))) v.lines.removeLast();
    v.fieldLines.erase(
        std::remove_if(v.fieldLines.begin(), v.fieldLines.end(), [&](int i) { return i >= v.lines.size(); }),
        v.fieldLines.end());

    const QString file = q(meta->source->loc.fileName());
    QString caption = QStringLiteral("<b>%1 %2</b> · %3, lines %4–%5")
                          .arg(kindLabel, q(meta->key()).toHtmlEscaped(), file.toHtmlEscaped())
                          .arg(v.firstFileLine)
                          .arg(v.firstFileLine + static_cast<int>(v.lines.size()) - 1);
    QStringList approx;
    approx << tr(
        "the object's lines are exact; the highlighted field lines are found by searching its text "
        "(the model keeps where objects start, not where each field is)");
    if (!meta->sourcePath.empty())
        approx << tr("the object is %1 of a List: the whole document is shown").arg(q(meta->sourcePath));
    if (!note.isEmpty()) approx << note;
    if (v.fieldLines.isEmpty()) approx << tr("no line of it names what this hop used");
    caption +=
        QStringLiteral("<br><small>") + approx.join(QStringLiteral("; ")).toHtmlEscaped() + QStringLiteral("</small>");
    v.caption = caption;
    return v;
}

}  // namespace hs::gui
