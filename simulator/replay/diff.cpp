#include "simulator/replay/diff.h"

#include "model/json_writer.h"
#include "simulator/replay/engine.h"
#include "simulator/replay/host_inference.h"
#include "simulator/replay/nginx_log_model.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <tuple>

namespace hs::replay {

namespace {

constexpr std::size_t kMaxGroups = 10000;

auto tie(const DiffSide& s) {
    return std::tie(s.outcome, s.status, s.service, s.canary, s.rule, s.rewrite, s.redirect);
}

// "rewrite /api* → *": the request path and the upstream path without their common tail.
std::string rewriteKey(std::string_view requestTarget, std::string_view upstream) {
    std::size_t n = 0;
    while (n < requestTarget.size() && n < upstream.size() &&
           requestTarget[requestTarget.size() - 1 - n] == upstream[upstream.size() - 1 - n])
        ++n;
    return "rewrite " + std::string(requestTarget.substr(0, requestTarget.size() - n)) + "* → " +
        std::string(upstream.substr(0, upstream.size() - n)) + "*";
}

void replaceAll(std::string& s, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    std::size_t p = 0;
    while ((p = s.find(what, p)) != std::string::npos) {
        s.replace(p, what.size(), with);
        p += with.size();
    }
}

std::string redirectKey(const sim::Request& r, const std::string& location) {
    std::string key = location;
    std::string host = r.hostName();
    if (!r.host.empty()) replaceAll(key, r.host, "{host}");
    if (!host.empty() && host != r.host) replaceAll(key, host, "{host}");
    std::string path(r.path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (!path.empty()) replaceAll(key, path, "{path}");
    return key;
}

// withRule: both sides run the same profile, so their rules (and canary flags) are comparable.
DiffSide sideOf(const sim::Request& r, const sim::Decision& d, bool withRule) {
    DiffSide s;
    s.outcome = sim::outcomeName(d.outcome);
    s.status = d.status;
    s.service = d.service;
    s.canary = withRule && d.canary;  // ingress-nginx's notion: across profiles the Service says it
    if (withRule && !d.ingress.empty()) {
        s.rule = (d.routeKind.empty() ? std::string("Ingress") : d.routeKind) + " " + d.ingress;
        if (!d.pathType.empty()) s.rule += " " + d.pathType;
        if (!d.path.empty()) s.rule += " " + d.path;
    }
    if (!d.upstreamPath.empty()) s.rewrite = rewriteKey(r.target, d.upstreamPath);
    if (!d.redirectLocation.empty()) s.redirect = redirectKey(r, d.redirectLocation);
    return s;
}

std::string specific(const sim::Decision& d) {
    std::string out = sim::outcomeName(d.outcome);
    if (d.status) out += " " + std::to_string(d.status);
    if (!d.service.empty()) out += " → " + d.service + (d.canary ? " (canary)" : "");
    if (!d.upstreamPath.empty()) out += ", upstream path " + d.upstreamPath;
    if (!d.redirectLocation.empty()) out += ", Location " + d.redirectLocation;
    return out;
}

std::string reasonClass(std::string_view why) {
    std::string out;
    bool inQuote = false;
    for (std::size_t i = 0; i < why.size(); ++i) {
        char c = why[i];
        if (c == '`') {
            if (!inQuote) out += "`…`";
            inQuote = !inQuote;
            continue;
        }
        if (inQuote) continue;
        if (c >= '0' && c <= '9') {
            if (out.empty() || out.back() != 'N') out.push_back('N');
            while (i + 1 < why.size() && why[i + 1] >= '0' && why[i + 1] <= '9') ++i;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

bool DiffSide::operator<(const DiffSide& o) const { return tie(*this) < tie(o); }
bool DiffSide::operator==(const DiffSide& o) const { return tie(*this) == tie(o); }

std::string DiffSide::describe() const {
    std::string out = outcome;
    if (status) out += " " + std::to_string(status);
    if (!service.empty()) out += " → " + service + (canary ? " (canary)" : "");
    if (!redirect.empty()) out += " → " + redirect;
    if (!rewrite.empty()) out += " [" + rewrite + "]";
    return out;
}

DiffReport diffTrace(trace::TraceReader& reader, std::shared_ptr<const sim::RouteTable> before,
                     std::shared_ptr<const sim::RouteTable> after, const DiffOptions& opt) {
    DiffReport rep;
    rep.trace = reader.name();
    rep.format = trace::formatName(reader.format());
    rep.beforeLabel = opt.beforeLabel;
    rep.afterLabel = opt.afterLabel;
    rep.beforeProfile = sim::profileName(before->profile());
    rep.afterProfile = sim::profileName(after->profile());
    const bool sameProfile = before->profile() == after->profile();

    auto sb = before->newSession(opt.seed);
    auto sa = after->newSession(opt.seed);
    NginxLogModel model(*before);
    std::unique_ptr<HostInference> hosts;
    if (model.valid())  // hosts (unless the log or --host gives them) and schemes the log does not record
        hosts = std::make_unique<HostInference>(before, model);
    const bool inferHosts = opt.host.empty() && !reader.fields().host;

    std::map<std::pair<DiffSide, DiffSide>, DiffGroup> groups;
    std::map<std::string, ReasonRow> badRows, skippedRows;
    trace::TraceRecord rec;
    sim::Decision db, da;
    while (reader.next(rec)) {
        ++rep.lines;
        if (opt.progress && (rep.lines & 0xFFFF) == 0 && !opt.progress(rep.lines)) {
            rep.cancelled = true;
            break;
        }
        if (rec.kind != trace::TraceRecord::Kind::Request) {
            bool bad = rec.kind == trace::TraceRecord::Kind::Bad;
            (bad ? rep.bad : rep.skipped)++;
            auto& rows = bad ? badRows : skippedRows;
            std::string cls = rows.size() >= 200 ? std::string("(other reasons)") : reasonClass(rec.why);
            auto it = rows.find(cls);
            if (it == rows.end())
                it = rows.emplace(cls,
                                  ReasonRow{cls, 0, reader.name() + ":" + std::to_string(rec.line) + ": " + rec.why})
                         .first;
            ++it->second.count;
            if (bad) {
                if (opt.onProblem) opt.onProblem(reader.name() + ":" + std::to_string(rec.line) + ": " + rec.why);
                if (opt.strict) {
                    rep.stoppedByStrict = true;
                    break;
                }
            }
            continue;
        }
        ++rep.requests;
        if (!rec.hasHost) {
            if (!opt.host.empty())
                rec.request.host = opt.host;
            else if (hosts && inferHosts)
                hosts->infer(rec);
        }
        if (hosts) hosts->inferScheme(rec);
        sim::RouteOptions ro;
        ro.explain = false;
        ro.choiceKey = choiceKeyFor(opt.seed, rec.line);
        sb->route(rec.request, db, ro);
        sa->route(rec.request, da, ro);
        DiffSide b = sideOf(rec.request, db, sameProfile), a = sideOf(rec.request, da, sameProfile);
        bool valuesDiffer = db.upstreamPath != da.upstreamPath || db.redirectLocation != da.redirectLocation;
        if (b == a && !valuesDiffer) continue;
        ++rep.changed;
        auto key = std::make_pair(b, a);
        auto it = groups.find(key);
        if (it == groups.end()) {
            if (groups.size() >= kMaxGroups) {
                DiffSide other;
                other.outcome = "(other changes)";
                key = {other, other};
                it = groups.find(key);
            }
            if (it == groups.end()) {
                DiffGroup g;
                g.before = key.first;
                g.after = key.second;
                if (b.outcome != a.outcome) g.changed.push_back("outcome");
                if (b.status != a.status) g.changed.push_back("status");
                if (b.service != a.service) g.changed.push_back("service");
                if (b.canary != a.canary) g.changed.push_back("canary");
                if (b.rule != a.rule) g.changed.push_back("rule");
                if (b.rewrite != a.rewrite || db.upstreamPath != da.upstreamPath) g.changed.push_back("rewrite");
                if (b.redirect != a.redirect || db.redirectLocation != da.redirectLocation)
                    g.changed.push_back("redirect");
                it = groups.emplace(key, std::move(g)).first;
            }
        }
        DiffGroup& g = it->second;
        ++g.count;
        if (g.examples.size() < opt.maxExamples) {
            const sim::Request& r = rec.request;
            g.examples.push_back(
                {reader.name() + ":" + std::to_string(rec.line),
                 r.method + " " + r.scheme + "://" + (r.host.empty() ? std::string("(no Host)") : r.host) + r.target,
                 specific(db), specific(da)});
        }
    }
    rep.inputError = reader.inputError();
    for (auto& [k, v] : badRows) rep.badReasons.push_back(v);
    for (auto& [k, v] : skippedRows) rep.skippedReasons.push_back(v);
    if (hosts) {
        rep.hostsInferred = hosts->inferred();
        rep.hostsAmbiguous = hosts->ambiguous();
        rep.hostsFailed = hosts->failed();
        rep.schemesSwitched = hosts->schemesSwitched();
    }
    for (auto& [k, g] : groups) rep.groups.push_back(std::move(g));
    std::stable_sort(rep.groups.begin(), rep.groups.end(),
                     [](const DiffGroup& x, const DiffGroup& y) { return x.count > y.count; });
    return rep;
}

void DiffReport::writeJson(model::JsonWriter& w) const {
    auto side = [&](const DiffSide& s) {
        w.beginObject();
        w.field("outcome", s.outcome);
        if (s.status)
            w.field("status", s.status);
        else
            w.nullField("status");
        if (s.service.empty())
            w.nullField("service");
        else
            w.field("service", s.service);
        w.field("canary", s.canary);
        if (s.rule.empty())
            w.nullField("rule");
        else
            w.field("rule", s.rule);
        if (s.rewrite.empty())
            w.nullField("rewrite");
        else
            w.field("rewrite", s.rewrite);
        if (s.redirect.empty())
            w.nullField("redirect");
        else
            w.field("redirect", s.redirect);
        w.endObject();
    };
    w.beginObject();
    w.field("kind", "hopscope-diff").field("version", 1);
    w.key("trace").beginObject();
    w.field("file", trace).field("format", format);
    w.endObject();
    w.key("before").beginObject();
    w.field("label", beforeLabel).field("profile", beforeProfile);
    w.endObject();
    w.key("after").beginObject();
    w.field("label", afterLabel).field("profile", afterProfile);
    w.endObject();
    w.key("lines").beginObject();
    w.field("total", lines).field("requests", requests).field("bad", bad).field("skipped", skipped);
    w.endObject();
    if (inputError.empty())
        w.nullField("inputError");
    else
        w.field("inputError", inputError);
    w.field("cancelled", cancelled).field("stoppedByStrict", stoppedByStrict);
    w.key("hosts").beginObject();
    w.field("inferred", hostsInferred).field("ambiguous", hostsAmbiguous).field("notInferred", hostsFailed);
    w.endObject();
    w.field("schemesSwitched", schemesSwitched);
    w.field("changed", changed);
    w.key("groups").beginArray();
    for (const auto& g : groups) {
        w.beginObject();
        w.field("count", g.count);
        w.key("changed").beginArray();
        for (const auto& c : g.changed) w.value(c);
        w.endArray();
        w.key("before");
        side(g.before);
        w.key("after");
        side(g.after);
        w.key("examples").beginArray();
        for (const auto& e : g.examples) {
            w.beginObject();
            w.field("where", e.where).field("request", e.request).field("before", e.before).field("after", e.after);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

void DiffReport::writeText(std::ostream& out) const {
    out << "Diff of " << trace << " (" << format << ", " << lines << " lines): before = " << beforeLabel << " ("
        << beforeProfile << "), after = " << afterLabel << " (" << afterProfile << ")\n";
    out << "  " << requests << " requests compared · " << changed << " change";
    if (requests) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " (%.2f%%)",
                      100.0 * static_cast<double>(changed) / static_cast<double>(requests));
        out << buf;
    }
    out << " · " << bad << " bad · " << skipped << " skipped lines\n";
    for (const auto& r : badReasons)
        out << "  bad      " << r.count << " × " << r.reason << "  (first: " << r.first << ")\n";
    if (!inputError.empty()) out << "  input: " << inputError << "\n";
    if (cancelled) out << "  cancelled: the results cover the lines read so far\n";
    if (stoppedByStrict) out << "  stopped at the first bad line (--strict)\n";
    if (hostsInferred || hostsFailed)
        out << "  hosts inferred from the recorded upstream on the before side: " << hostsInferred << " ("
            << hostsAmbiguous << " ambiguous, " << hostsFailed << " none)\n";
    if (schemesSwitched)
        out << "  scheme switched for " << schemesSwitched
            << " request(s): the recorded redirect fits only the other scheme on the before side\n";
    if (groups.empty()) {
        out << "\nNo request changes.\n";
        return;
    }
    out << "\n";
    std::size_t n = 1;
    for (const auto& g : groups) {
        std::string changedList;
        for (const auto& c : g.changed) changedList += (changedList.empty() ? "" : ", ") + c;
        out << n++ << ". " << g.count << " request(s): " << g.before.describe() << "  ⇒  " << g.after.describe()
            << "   [" << changedList << "]\n";
        if (g.before.rule != g.after.rule)
            out << "     rule: " << (g.before.rule.empty() ? std::string("(none)") : g.before.rule) << "  ⇒  "
                << (g.after.rule.empty() ? std::string("(none)") : g.after.rule) << "\n";
        for (const auto& e : g.examples) {
            out << "     e.g. " << e.where << "  " << e.request << "\n";
            out << "          " << e.before << "  ⇒  " << e.after << "\n";
        }
    }
}

}  // namespace hs::replay
