#pragma once
// Guided lessons of the teaching mode: a lesson is a YAML file (resources/lessons/*.yaml, compiled
// into the app as Qt resources under :/lessons/) with a title, an intro, and requests to step
// through, each with teaching text per hop stage and the outcome the lesson promises. Loading and
// routing a lesson need no widgets: the teaching panel and the lesson test use the same calls, so
// a lesson whose words no longer match what the engine does fails the test instead of misleading
// a learner. The format is described in docs/gui.md ("Teaching mode").
//
// Errors are values carrying `file:line:col: message`; nothing here throws.

#include "model/cluster_state.h"
#include "simulator/decision.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hs::gui {

// What a request of a lesson must come to. Only the fields written in the lesson are checked.
// Keys: outcome, status (0 = the controller answers nothing itself), ingress, host, server, path,
// pathType, service, servicePort, endpoint, pod, node, canary (true/false), canaryRule
// (none/affinity/header/cookie/weight/unavailable), upstreamPath, location (the redirect target),
// tlsCertificate, stages (the hop stages in order).
struct LessonExpectation {
    std::vector<std::pair<std::string, std::string>> fields;  // key -> expected value, in file order
    std::vector<std::string> stages;  // empty = not checked
};

struct LessonRequest {
    std::string label;  // one line shown above the steps: "an exact host"
    std::string url;  // as typed: https://shop.example.com/api
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::pair<std::string, std::string>> cookies;
    std::string clientIP;  // empty = the engine's default client
    std::string sni;
    std::map<std::string, std::string> teach;  // stage name ("host", "path", ...) -> text
    std::string summary;  // shown after the last hop
    LessonExpectation expect;
    int line = 0;  // where the request starts in the lesson file

    // The request the engine routes (the URL was validated when the lesson was parsed).
    sim::Request toRequest() const;
};

struct Lesson {
    std::string file;  // name shown in errors: "lessons/10-virtual-hosts.yaml"
    std::string title;
    std::string intro;
    int order = 0;  // lessons are listed by order, then file name
    std::string profile = "ingress-nginx";
    // Keys set in the ingress-nginx controller ConfigMap for this lesson only ("load-balance:
    // ewma"): lets a lesson show a setting the demo does not use, on otherwise the same cluster.
    std::vector<std::pair<std::string, std::string>> controllerConfig;
    std::uint64_t seed = 1;  // the session's seed: balancers and canary rolls are reproducible
    std::vector<LessonRequest> requests;
};

struct LessonParse {
    std::unique_ptr<Lesson> lesson;  // null on error
    std::string error;  // "file:line:col: message" when lesson is null
};

// Parses one lesson. Unknown keys, missing title/requests/url/expect.outcome, URLs the engine
// cannot parse and stage names that do not exist are errors (a typo must not silently drop text).
LessonParse parseLesson(const std::string& text, const std::string& fileName);

// The lessons compiled into the application (:/lessons/*.yaml), sorted by order then file name.
// Files that fail to parse are reported in `errors` and left out.
std::vector<Lesson> builtinLessons(std::vector<std::string>* errors = nullptr);
// Resource paths of the compiled-in lesson files (":/lessons/10-virtual-hosts.yaml", ...).
std::vector<std::string> builtinLessonFiles();

// Profile options for a lesson on `state`: the profile by name, and the lesson's ConfigMap keys
// laid over the controller ConfigMap the snapshot holds (ingress-nginx/ingress-nginx-controller).
// Empty error when fine.
sim::ProfileOptions lessonProfile(const Lesson& lesson, const model::ClusterState& state, std::string* error);

// A lesson routed: every request in order through one session seeded with lesson.seed, so a
// round robin advances from one request to the next exactly as it would for a learner.
struct LessonRun {
    std::shared_ptr<const sim::RouteTable> table;
    std::vector<sim::Request> requests;
    std::vector<sim::Decision> decisions;  // with hops (explain mode)
    std::vector<std::vector<std::string>> mismatches;  // per request: "service: expected a, got b"
    std::string error;  // profile problems; decisions empty then
};
LessonRun runLesson(const Lesson& lesson, std::shared_ptr<const model::ClusterState> state);

// The ways `d` differs from `expect`, in words ("outcome: expected routed, engine says redirect").
std::vector<std::string> checkExpectation(const LessonExpectation& expect, const sim::Decision& d);

const char* canaryRuleName(sim::CanaryRule r);

}  // namespace hs::gui
