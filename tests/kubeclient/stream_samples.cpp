#include "stream_samples.h"

const std::string kEvents =
    R"({"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a {b}","annotations":{"x":"say \"}\" and \\"}}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"[c]"}}})"
    R"(  {"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}})"
    "\n";

const std::string kList =
    R"({"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"4711","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},)"
    R"("items":[{"metadata":{"name":"a","namespace":"x"},"spec":{"ports":[{"port":80}]}},{"metadata":{"name":"b]","namespace":"x"}} , )"
    R"({"metadata":{"name":"c\"}","namespace":"x"}}]})";

const std::string kExpiredEvent =
    R"J({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)J"
    R"J("message":"too old resource version: 150 (27748)","reason":"Expired","code":410}})J";
