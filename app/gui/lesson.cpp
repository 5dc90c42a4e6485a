#include "app/gui/lesson.h"

#include <QDir>
#include <QFile>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>

// Q_INIT_RESOURCE must be called outside any namespace; it also makes the linker keep the
// resource object of this static library.
static void initLessonResources() { Q_INIT_RESOURCE(lessons); }

namespace hs::gui {

namespace {

// A located parse failure; caught in parseLesson only.
struct LessonError {
    std::string message;
    YAML::Mark mark;
};

[[noreturn]] void fail(const YAML::Node& at, std::string message) { throw LessonError{std::move(message), at.Mark()}; }

std::string scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) fail(n, what + " must be a string");
    return n.Scalar();
}

// Keys of a mapping, checked against what is allowed (typos are errors, not silence).
void checkKeys(const YAML::Node& map, const std::string& what, const std::set<std::string>& allowed) {
    if (!map.IsMap()) fail(map, what + " must be a mapping");
    for (const auto& kv : map) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            fail(kv.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
        }
    }
}

std::vector<std::pair<std::string, std::string>> stringPairs(const YAML::Node& map, const std::string& what) {
    if (!map.IsMap()) fail(map, what + " must be a mapping of name: value");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : map) out.emplace_back(scalar(kv.first, what + " name"), scalar(kv.second, what + " value"));
    return out;
}

bool knownStage(const std::string& s) {
    for (int i = 0; i <= static_cast<int>(sim::Stage::Pod); ++i)
        if (s == sim::stageName(static_cast<sim::Stage>(i))) return true;
    return false;
}

const std::set<std::string> kExpectKeys = {"outcome",  "status",         "ingress", "host",        "server",
                                           "path",     "pathType",       "service", "servicePort", "endpoint",
                                           "pod",      "node",           "canary",  "canaryRule",  "upstreamPath",
                                           "location", "tlsCertificate", "stages"};

LessonExpectation parseExpect(const YAML::Node& n) {
    checkKeys(n, "expect", kExpectKeys);
    if (!n["outcome"]) fail(n, "expect needs at least 'outcome' (what the lesson promises)");
    LessonExpectation e;
    for (const auto& kv : n) {
        const std::string key = kv.first.Scalar();
        if (key == "stages") {
            if (!kv.second.IsSequence()) fail(kv.second, "expect.stages must be a list of stage names");
            for (const auto& s : kv.second) {
                std::string st = scalar(s, "a stage");
                if (!knownStage(st)) fail(s, "unknown stage '" + st + "'");
                e.stages.push_back(st);
            }
            continue;
        }
        std::string v = scalar(kv.second, "expect." + key);
        if (key == "outcome") {
            bool ok = false;
            for (int i = 0; i <= static_cast<int>(sim::Outcome::BadRequest); ++i)
                ok = ok || v == sim::outcomeName(static_cast<sim::Outcome>(i));
            if (!ok) fail(kv.second, "unknown outcome '" + v + "'");
        }
        if (key == "canary" && v != "true" && v != "false") fail(kv.second, "expect.canary must be true or false");
        e.fields.emplace_back(key, v);
    }
    return e;
}

LessonRequest parseRequest(const YAML::Node& n) {
    checkKeys(n, "a request",
              {"label", "url", "method", "headers", "cookies", "clientIP", "sni", "teach", "summary", "expect"});
    LessonRequest r;
    r.line = static_cast<int>(n.Mark().line) + 1;
    if (!n["url"]) fail(n, "a request needs 'url'");
    r.url = scalar(n["url"], "url");
    sim::ParsedUrl p = sim::parseUrl(r.url);
    if (!p.error.empty()) fail(n["url"], "url '" + r.url + "': " + p.error);
    if (n["label"]) r.label = scalar(n["label"], "label");
    if (n["method"]) r.method = scalar(n["method"], "method");
    if (n["headers"]) r.headers = stringPairs(n["headers"], "headers");
    if (n["cookies"]) r.cookies = stringPairs(n["cookies"], "cookies");
    if (n["clientIP"]) r.clientIP = scalar(n["clientIP"], "clientIP");
    if (n["sni"]) r.sni = scalar(n["sni"], "sni");
    if (n["summary"]) r.summary = scalar(n["summary"], "summary");
    if (n["teach"]) {
        const YAML::Node t = n["teach"];
        if (!t.IsMap()) fail(t, "teach must map stage names (tls, host, path, ...) to text");
        for (const auto& kv : t) {
            std::string stage = scalar(kv.first, "a stage name");
            if (!knownStage(stage)) fail(kv.first, "unknown stage '" + stage + "' in teach");
            r.teach[stage] = scalar(kv.second, "teach." + stage);
        }
    }
    if (!n["expect"]) fail(n, "a request needs 'expect' (at least the outcome the lesson promises)");
    r.expect = parseExpect(n["expect"]);
    return r;
}

std::string located(const std::string& file, const YAML::Mark& m, const std::string& message) {
    if (m.is_null()) return file + ": " + message;
    return file + ':' + std::to_string(m.line + 1) + ':' + std::to_string(m.column + 1) + ": " + message;
}

}  // namespace

sim::Request LessonRequest::toRequest() const {
    sim::Request r = sim::parseUrl(url).request;
    r.method = method;
    for (const auto& [name, value] : headers) {
        if (sim::iequals(name, "host"))
            r.host = value;
        else
            r.headers.push_back({name, value});
    }
    std::string cookie;
    for (const auto& [name, value] : cookies) cookie += (cookie.empty() ? "" : "; ") + name + '=' + value;
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    if (!clientIP.empty()) r.clientIP = clientIP;
    if (!sni.empty()) r.sni = sni;
    return r;
}

LessonParse parseLesson(const std::string& text, const std::string& fileName) {
    LessonParse out;
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap()) fail(root, "a lesson must be a mapping with title, intro and requests");
        checkKeys(root, "the lesson", {"title", "intro", "order", "profile", "controllerConfig", "seed", "requests"});
        auto lesson = std::make_unique<Lesson>();
        lesson->file = fileName;
        if (!root["title"]) fail(root, "a lesson needs 'title'");
        lesson->title = scalar(root["title"], "title");
        if (root["intro"]) lesson->intro = scalar(root["intro"], "intro");
        if (root["order"]) lesson->order = root["order"].as<int>();
        if (root["seed"]) lesson->seed = root["seed"].as<std::uint64_t>();
        if (root["profile"]) {
            lesson->profile = scalar(root["profile"], "profile");
            if (!sim::profileFromName(lesson->profile))
                fail(root["profile"], "unknown profile '" + lesson->profile + "'");
        }
        if (root["controllerConfig"])
            lesson->controllerConfig = stringPairs(root["controllerConfig"], "controllerConfig");
        const YAML::Node reqs = root["requests"];
        if (!reqs || !reqs.IsSequence() || reqs.size() == 0)
            fail(reqs.IsDefined() ? reqs : root, "a lesson needs a non-empty list 'requests'");
        for (const auto& r : reqs) lesson->requests.push_back(parseRequest(r));
        out.lesson = std::move(lesson);
    } catch (const LessonError& e) {
        out.error = located(fileName, e.mark, e.message);
    } catch (const YAML::Exception& e) {  // syntax errors and bad conversions (order: x)
        out.error = located(fileName, e.mark, e.msg);
    }
    return out;
}

std::vector<std::string> builtinLessonFiles() {
    static const bool registered = (initLessonResources(), true);
    (void)registered;
    std::vector<std::string> files;
    const QStringList names =
        QDir(QStringLiteral(":/lessons")).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    for (const QString& n : names) files.push_back((QStringLiteral(":/lessons/") + n).toStdString());
    return files;
}

std::vector<Lesson> builtinLessons(std::vector<std::string>* errors) {
    std::vector<Lesson> lessons;
    for (const std::string& path : builtinLessonFiles()) {
        QFile f(QString::fromStdString(path));
        if (!f.open(QIODevice::ReadOnly)) {
            if (errors) errors->push_back(path + ": cannot be read");
            continue;
        }
        const QByteArray bytes = f.readAll();
        LessonParse p = parseLesson(bytes.toStdString(), path.substr(2));  // "lessons/…"
        if (!p.lesson) {
            if (errors) errors->push_back(p.error);
            continue;
        }
        lessons.push_back(std::move(*p.lesson));
    }
    std::stable_sort(lessons.begin(), lessons.end(), [](const Lesson& a, const Lesson& b) {
        return a.order != b.order ? a.order < b.order : a.file < b.file;
    });
    return lessons;
}

sim::ProfileOptions lessonProfile(const Lesson& lesson, const model::ClusterState& state, std::string* error) {
    sim::ProfileOptions o;
    o.profile = sim::profileFromName(lesson.profile).value_or(sim::Profile::IngressNginx);
    if (error) error->clear();
    if (lesson.controllerConfig.empty()) return o;
    if (o.profile != sim::Profile::IngressNginx) {
        if (error) *error = "controllerConfig applies to the ingress-nginx profile only";
        return o;
    }
    model::ConfigMap cm;
    if (const model::ConfigMap* base = state.configMaps().find("ingress-nginx", "ingress-nginx-controller"))
        cm = *base;
    else {
        cm.meta.ns = "ingress-nginx";
        cm.meta.name = "ingress-nginx-controller";
    }
    for (const auto& [k, v] : lesson.controllerConfig) model::setValue(cm.data, k, v);
    o.controllerConfig = std::make_shared<const model::ConfigMap>(std::move(cm));
    return o;
}

const char* canaryRuleName(sim::CanaryRule r) {
    switch (r) {
    case sim::CanaryRule::None: return "none";
    case sim::CanaryRule::Affinity: return "affinity";
    case sim::CanaryRule::Header: return "header";
    case sim::CanaryRule::Cookie: return "cookie";
    case sim::CanaryRule::Weight: return "weight";
    case sim::CanaryRule::Unavailable: return "unavailable";
    }
    return "none";
}

std::vector<std::string> checkExpectation(const LessonExpectation& expect, const sim::Decision& d) {
    std::vector<std::string> out;
    for (const auto& [key, want] : expect.fields) {
        std::string got;
        if (key == "outcome")
            got = sim::outcomeName(d.outcome);
        else if (key == "status")
            got = std::to_string(d.status);
        else if (key == "ingress")
            got = d.ingress;
        else if (key == "host")
            got = d.host;
        else if (key == "server")
            got = d.server;
        else if (key == "path")
            got = d.path;
        else if (key == "pathType")
            got = d.pathType;
        else if (key == "service")
            got = d.service;
        else if (key == "servicePort")
            got = std::to_string(d.servicePort);
        else if (key == "endpoint")
            got = d.endpoint;
        else if (key == "pod")
            got = d.pod;
        else if (key == "node")
            got = d.node;
        else if (key == "canary")
            got = d.canary ? "true" : "false";
        else if (key == "canaryRule")
            got = canaryRuleName(d.canaryRule);
        else if (key == "upstreamPath")
            got = d.upstreamPath;
        else if (key == "location")
            got = d.redirectLocation;
        else if (key == "tlsCertificate")
            got = d.tlsCertificate;
        if (got != want) out.push_back(key + ": the lesson says '" + want + "', the engine says '" + got + "'");
    }
    if (!expect.stages.empty()) {
        std::vector<std::string> got;
        for (const sim::Hop& h : d.hops) got.emplace_back(sim::stageName(h.stage));
        if (got != expect.stages) {
            auto join = [](const std::vector<std::string>& v) {
                std::string s;
                for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
                return s;
            };
            out.push_back("stages: the lesson says [" + join(expect.stages) + "], the engine says [" + join(got) + "]");
        }
    }
    return out;
}

LessonRun runLesson(const Lesson& lesson, std::shared_ptr<const model::ClusterState> state) {
    LessonRun run;
    if (!state) {
        run.error = "no cluster to route on";
        return run;
    }
    sim::ProfileOptions options = lessonProfile(lesson, *state, &run.error);
    if (!run.error.empty()) return run;
    run.table = sim::compileRouteTable(std::move(state), options);
    if (!run.table) {
        run.error = "profile " + lesson.profile + " is not available in this build";
        return run;
    }
    auto session = run.table->newSession(lesson.seed);
    for (const LessonRequest& lr : lesson.requests) {
        run.requests.push_back(lr.toRequest());
        sim::Decision d;
        session->route(run.requests.back(), d, {true});
        run.mismatches.push_back(checkExpectation(lr.expect, d));
        run.decisions.push_back(std::move(d));
    }
    return run;
}

}  // namespace hs::gui
