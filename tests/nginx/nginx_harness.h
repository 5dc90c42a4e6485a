#pragma once
// A real nginx for the differential test: started on a free loopback port from a configuration
// rendered for that port, in its own temporary prefix directory (pid, logs, temp files, the echo
// server's socket), stopped cleanly. Plus a tiny blocking HTTP/1.1 client that sends requests
// byte for byte as given (no normalisation of the target), over a kept-alive connection.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::test {

struct HttpResponse {
    int status = 0;  // 0 = no response (see error)
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;
    const std::string* header(std::string_view name) const;  // case-insensitive, first one
};

class HttpClient {
public:
    explicit HttpClient(int port) : port_(port) {}
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `raw` (a complete request, headers and blank line included) and reads one response.
    // Reconnects (once) when a kept-alive connection turns out to be closed.
    HttpResponse send(const std::string& raw);

private:
    bool connectNow(std::string& error);
    void closeNow();
    bool readResponse(HttpResponse& r, bool& closeAfter);
    int port_;
    int fd_ = -1;
    std::string buf_;
};

// A loopback TCP port nothing listens on right now (0 when none could be found).
int freeLoopbackPort();

// The nginx binary: $HOPSCOPE_NGINX, else `nginx` on PATH or in /usr/sbin, /usr/local/sbin,
// /usr/local/nginx/sbin. Empty when there is none.
QString findNginx();

// `nginx -t` on `config` in a scratch prefix; empty on success, else nginx's messages.
std::string checkNginxConfig(const QString& binary, const std::string& config);

class NginxInstance {
public:
    // Renders the configuration for a port and the echo socket path, starts nginx (daemon off) and
    // waits until it accepts connections. Retries with another port if the chosen one was taken.
    bool start(const QString& binary, const std::function<std::string(int port, const std::string& echoSocket)>& render,
               std::string& error);
    // Graceful stop (SIGQUIT), then SIGKILL if nginx does not exit in time. Idempotent.
    void stop();
    ~NginxInstance() { stop(); }

    int port() const { return port_; }
    std::string errorLog() const;

private:
    QTemporaryDir dir_;
    QProcess proc_;
    int port_ = 0;
};

}  // namespace hs::test
