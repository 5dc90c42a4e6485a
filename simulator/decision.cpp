#include "simulator/decision.h"

#include "model/json_writer.h"

namespace hs::sim {

const char* outcomeName(Outcome o) {
    switch (o) {
    case Outcome::Routed: return "routed";
    case Outcome::Redirect: return "redirect";
    case Outcome::DefaultBackend: return "default-backend";
    case Outcome::NoEndpoints: return "no-endpoints";
    case Outcome::Denied: return "denied";
    case Outcome::NotServed: return "not-served";
    case Outcome::BadRequest: return "bad-request";
    }
    return "routed";
}

const char* stageName(Stage s) {
    switch (s) {
    case Stage::Tls: return "tls";
    case Stage::Host: return "host";
    case Stage::Path: return "path";
    case Stage::Annotation: return "annotation";
    case Stage::Canary: return "canary";
    case Stage::Service: return "service";
    case Stage::Endpoint: return "endpoint";
    case Stage::Pod: return "pod";
    }
    return "host";
}

void Decision::clear() {
    outcome = Outcome::DefaultBackend;
    status = 0;
    for (std::string* s :
         {&profile, &routeKind, &ingress, &host, &server, &path, &pathType, &location, &service, &servicePortName,
          &upstream, &endpoint, &pod, &node, &upstreamPath, &redirectLocation, &tlsCertificate})
        s->clear();
    servicePort = 0;
    canary = false;
    canaryRule = CanaryRule::None;
    setCookies.clear();
    hops.clear();
    routeRef = 0;
}

Hop& Decision::addHop(Stage stage) {
    hops.emplace_back();
    hops.back().stage = stage;
    return hops.back();
}

namespace {
void optString(model::JsonWriter& w, std::string_view key, const std::string& v) {
    if (v.empty())
        w.nullField(key);
    else
        w.field(key, v);
}
}  // namespace

void writeDecisionJson(model::JsonWriter& w, const Decision& d, bool withHops) {
    w.beginObject();
    w.field("outcome", outcomeName(d.outcome));
    if (d.status)
        w.field("status", d.status);
    else
        w.nullField("status");
    w.field("profile", d.profile);
    optString(w, "routeKind", d.routeKind);
    optString(w, "ingress", d.ingress);
    optString(w, "host", d.host);
    optString(w, "server", d.server);
    optString(w, "path", d.path);
    optString(w, "pathType", d.pathType);
    optString(w, "nginxLocation", d.location);
    optString(w, "service", d.service);
    if (d.servicePort)
        w.field("servicePort", d.servicePort);
    else if (!d.servicePortName.empty())
        w.field("servicePort", d.servicePortName);
    else
        w.nullField("servicePort");
    optString(w, "upstream", d.upstream);
    optString(w, "endpoint", d.endpoint);
    optString(w, "pod", d.pod);
    optString(w, "node", d.node);
    w.field("canary", d.canary);
    optString(w, "upstreamPath", d.upstreamPath);
    optString(w, "location", d.redirectLocation);
    optString(w, "tlsCertificate", d.tlsCertificate);
    if (!d.setCookies.empty()) {
        w.key("setCookies").beginArray();
        for (const auto& c : d.setCookies) w.value(c);
        w.endArray();
    }
    if (withHops) {
        w.key("hops").beginArray();
        for (const Hop& h : d.hops) {
            w.beginObject();
            w.field("stage", stageName(h.stage)).field("decision", h.decision).field("reason", h.reason);
            if (!h.departure.empty()) w.field("departure", h.departure);
            w.key("rejected").beginArray();
            for (const auto& r : h.rejected) {
                w.beginObject();
                w.field("what", r.what).field("why", r.why);
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
    }
    w.endObject();
}

std::string decisionJson(const Decision& d, bool pretty, bool withHops) {
    model::JsonWriter w(pretty);
    writeDecisionJson(w, d, withHops);
    return w.take();
}

}  // namespace hs::sim
