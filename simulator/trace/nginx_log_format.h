#pragma once
// An nginx `log_format` string compiled into a field parser: literal text and `$variables`, each
// variable's value ending where the next literal starts. Variables that mean something for
// routing become request fields ($host, $http_host, $scheme, $server_port, $request,
// $request_uri, $http_*, $cookie_*, $remote_addr, ...); ingress-nginx's ($proxy_upstream_name,
// $upstream_addr, ...) become Recorded fields; others are read and ignored (and listed).
// docs/traces.md has the full table.
//
// Values are unescaped as nginx escaped them: `\xHH` (escape=default), JSON escapes
// (escape=json), nothing (escape=none). A format may start with "escape=json " like the
// directive's parameter.

#include "simulator/trace/trace_record.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hs::trace {

// ingress-nginx's default `log-format-upstream` (internal/ingress/controller/config/config.go,
// logFormatUpstream), the log_format named upstreaminfo.
inline constexpr std::string_view kIngressNginxLogFormat =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] "
    "$upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id";
// nginx's predefined `combined` format.
inline constexpr std::string_view kCombinedLogFormat =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

class LogFormat {
public:
    enum class Escape : std::uint8_t { Default, Json, None };

    // Compiles a log_format string. Errors (adjacent variables that cannot be split, an empty
    // format, no request at all) are returned in `error`.
    static std::optional<LogFormat> compile(std::string_view format, std::string& error);

    // Buffers reused from line to line by one reader (a LogFormat itself is immutable).
    struct Scratch {
        std::string value, cookie;
        std::string lastTime;  // the previous line's time text and value: most lines
        std::int64_t lastTimeNs = 0;  // of a busy log share the second
    };
    // Parses one line into `rec`: kind Request, or Bad/Skipped with `why`. Leaves request.scheme
    // empty when the line does not tell it (the reader applies its default).
    void parse(std::string_view line, TraceRecord& rec, Scratch& scratch) const;
    // The same through the general interpreter only, without the upstreaminfo fast path (parse()
    // falls back to it; tests compare the two).
    void parseInterpreted(std::string_view line, TraceRecord& rec, Scratch& scratch) const;

    const FormatFields& fields() const { return fields_; }
    const std::string& text() const { return text_; }
    // Variables the format has that Hopscope does not use ("$body_bytes_sent", ...).
    const std::vector<std::string>& ignoredVariables() const { return ignored_; }
    // Resolution of the timestamps this format records (1 s for $time_local, 1 ms for $msec).
    std::int64_t timeResolutionNs() const { return timeResolution_; }

    enum class Var : std::uint8_t {
        Ignore,
        RemoteAddr,
        TimeLocal,
        TimeIso,
        Msec,
        Request,
        RequestMethod,
        RequestUri,
        Uri,
        Args,
        Status,
        HttpHost,
        Host,
        Scheme,
        ServerPort,
        SslServerName,
        Header,
        Cookie,
        RequestTime,
        UpstreamName,
        AltUpstreamName,
        UpstreamAddr,
        UpstreamStatus,
        ReqId,
        Namespace,
        IngressName,
        ServiceName,
    };

private:
    // ingress-nginx's default format (kIngressNginxLogFormat, escape=default) without the
    // interpreter. Handles the common line (no backslash, plain request line, fields found at
    // their delimiter's first occurrence) and returns false without touching `rec` for any other,
    // which the interpreter then parses: the results are the interpreter's either way.
    bool parseUpstreamInfo(std::string_view line, TraceRecord& rec, Scratch& scratch) const;

    struct Token {
        bool literal = false;
        std::string text;  // literal text, or the variable name (for messages)
        Var var = Var::Ignore;
        std::string header;  // Header: the header name ("User-Agent"); Cookie: the cookie name
        bool list = false;  // $upstream_*: values like "a, b : c" contain spaces
        // variables: how the value ends (the next literal's text; none for the last token)
        char delim = 0;
        std::string delimRest;  // the rest of that literal after its first byte
        char rest[4] = {};  // its first bytes, inline (no pointer to follow in the hot loop)
        std::uint8_t restLen = 0;  // delimRest.size() when ≤ 4, else 255
        bool last = false;
    };

    std::vector<Token> tokens_;
    FormatFields fields_;
    std::string text_;
    std::vector<std::string> ignored_;
    Escape escape_ = Escape::Default;
    std::int64_t timeResolution_ = 1'000'000'000;
    bool hasRequestLine_ = false, hasUri_ = false, hasArgs_ = false, hasRequestUri_ = false;
    bool upstreamInfo_ = false;  // the format is kIngressNginxLogFormat: parseUpstreamInfo applies
};

// Undoes nginx's default log escaping (`\xHH`, and `\"` `\\` that some versions write) into `out`.
void unescapeNginx(std::string_view in, std::string& out);
// Undoes JSON string escapes into `out` (UTF-8 for \u).
void unescapeJson(std::string_view in, std::string& out);

}  // namespace hs::trace
