#include "nginx_harness.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace hs::test {

namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool canConnect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

std::string readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().toStdString();
}

// Workers run as an unprivileged user when nginx starts as root; they must reach the echo
// socket and the temp directories inside the prefix.
void openForWorkers(const QString& dir) {
    if (::geteuid() == 0) ::chmod(QFile::encodeName(dir).constData(), 0755);
}

}  // namespace

int freeLoopbackPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

const std::string* HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequal(k, name)) return &v;
    return nullptr;
}

HttpClient::~HttpClient() { closeNow(); }

void HttpClient::closeNow() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
}

bool HttpClient::connectNow(std::string& error) {
    closeNow();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
        closeNow();
        return false;
    }
    return true;
}

bool HttpClient::readResponse(HttpResponse& r, bool& closeAfter) {
    auto fill = [&]() -> bool {
        char tmp[16384];
        ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf_.append(tmp, static_cast<std::size_t>(n));
        return true;
    };
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
        if (!fill()) {
            r.error = buf_.empty() ? "connection closed before a response" : "truncated response head";
            return false;
        }
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t lineEnd = head.find("\r\n");
    std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.size() < 12 || statusLine.compare(0, 5, "HTTP/") != 0) {
        r.error = "bad status line: " + statusLine;
        return false;
    }
    r.status = std::atoi(statusLine.c_str() + 9);
    closeAfter = statusLine.compare(0, 8, "HTTP/1.0") == 0;
    std::size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        std::size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string line = head.substr(pos, e - pos);
        pos = e + 2;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers.emplace_back(line.substr(0, colon), value);
    }
    if (const std::string* c = r.header("Connection"); c && iequal(*c, "close")) closeAfter = true;
    if (const std::string* cl = r.header("Content-Length")) {
        std::size_t n = std::strtoul(cl->c_str(), nullptr, 10);
        while (buf_.size() < n)
            if (!fill()) {
                r.error = "truncated body";
                return false;
            }
        r.body = buf_.substr(0, n);
        buf_.erase(0, n);
    } else if (const std::string* te = r.header("Transfer-Encoding"); te && iequal(*te, "chunked")) {
        while (true) {
            std::size_t le;
            while ((le = buf_.find("\r\n")) == std::string::npos)
                if (!fill()) {
                    r.error = "truncated chunk";
                    return false;
                }
            std::size_t n = std::strtoul(buf_.c_str(), nullptr, 16);
            buf_.erase(0, le + 2);
            while (buf_.size() < n + 2)
                if (!fill()) {
                    r.error = "truncated chunk";
                    return false;
                }
            r.body.append(buf_, 0, n);
            buf_.erase(0, n + 2);
            if (n == 0) break;
        }
    } else {
        while (fill()) {}
        r.body = std::move(buf_);
        buf_.clear();
        closeAfter = true;
    }
    return true;
}

HttpResponse HttpClient::send(const std::string& raw) {
    HttpResponse r;
    for (int attempt = 0; attempt < 2; ++attempt) {
        r = HttpResponse{};
        bool fresh = fd_ < 0;
        if (fd_ < 0 && !connectNow(r.error)) return r;
        std::size_t sent = 0;
        bool writeFailed = false;
        while (sent < raw.size()) {
            ssize_t n = ::send(fd_, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                writeFailed = true;
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        bool closeAfter = false;
        if (!writeFailed && readResponse(r, closeAfter)) {
            if (closeAfter) closeNow();
            return r;
        }
        closeNow();
        if (fresh) {
            if (r.error.empty()) r.error = "write failed";
            return r;
        }
        // a kept-alive connection the server had closed: try once more on a new one
    }
    return r;
}

QString findNginx() {
    QByteArray env = qgetenv("HOPSCOPE_NGINX");
    if (!env.isEmpty()) return QFile::exists(QString::fromLocal8Bit(env)) ? QString::fromLocal8Bit(env) : QString();
    QString p = QStandardPaths::findExecutable("nginx");
    if (p.isEmpty())
        p = QStandardPaths::findExecutable("nginx", {"/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"});
    return p;
}

std::string checkNginxConfig(const QString& binary, const std::string& config) {
    QTemporaryDir dir;
    if (!dir.isValid()) return "cannot create a temporary directory";
    QString conf = dir.filePath("nginx.conf");
    // A stock nginx opens its compiled-in access log and temp directories even for -t; point them
    // into the scratch prefix so the check runs without root too. Nothing else is changed.
    std::string text = config;
    if (auto http = text.find("\nhttp {\n"); http != std::string::npos)
        text.insert(http + 9,
                    "    access_log off;\n    client_body_temp_path client_body;\n    proxy_temp_path proxy;\n"
                    "    fastcgi_temp_path fastcgi;\n    uwsgi_temp_path uwsgi;\n    scgi_temp_path scgi;\n");
    std::ofstream(QFile::encodeName(conf).constData(), std::ios::binary) << text;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    // Likewise the pid file, which the readable export does not name.
    p.start(binary,
            {"-t", "-q", "-p", dir.path() + "/", "-c", conf, "-e", dir.filePath("error.log"), "-g",
             "pid " + dir.filePath("nginx.pid") + ";"});
    if (!p.waitForFinished(30000)) return "nginx -t did not finish";
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0) return {};
    return p.readAll().toStdString() + readFile(dir.filePath("error.log"));
}

bool NginxInstance::start(const QString& binary,
                          const std::function<std::string(int port, const std::string& echoSocket)>& render,
                          std::string& error) {
    if (!dir_.isValid()) {
        error = "cannot create a temporary directory";
        return false;
    }
    openForWorkers(dir_.path());
    std::string echo = QFile::encodeName(dir_.filePath("echo.sock")).toStdString();
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = freeLoopbackPort();
        if (!port_) {
            error = "no free loopback port";
            return false;
        }
        QFile::remove(dir_.filePath("echo.sock"));
        QFile::remove(dir_.filePath("error.log"));
        QString conf = dir_.filePath("nginx.conf");
        std::ofstream(QFile::encodeName(conf).constData(), std::ios::binary) << render(port_, echo);
        proc_.setProcessChannelMode(QProcess::MergedChannels);
        proc_.start(binary, {"-p", dir_.path() + "/", "-c", conf, "-e", dir_.filePath("error.log")});
        if (!proc_.waitForStarted(10000)) {
            error = "cannot run " + binary.toStdString() + ": " + proc_.errorString().toStdString();
            return false;
        }
        (void)QTest::qWaitFor([&] { return proc_.state() != QProcess::Running || canConnect(port_); }, 15000);
        if (proc_.state() == QProcess::Running && canConnect(port_)) return true;
        std::string log = proc_.readAll().toStdString() + errorLog();
        stop();
        if (log.find("Address already in use") == std::string::npos) {
            error = "nginx did not start:\n" + log;
            return false;
        }
    }
    error = "nginx could not bind a free port";
    return false;
}

void NginxInstance::stop() {
    if (proc_.state() == QProcess::NotRunning) return;
    ::kill(static_cast<pid_t>(proc_.processId()), SIGQUIT);  // graceful shutdown of our own child
    if (!proc_.waitForFinished(10000)) {
        proc_.kill();
        proc_.waitForFinished(5000);
    }
}

std::string NginxInstance::errorLog() const { return readFile(dir_.filePath("error.log")); }

}  // namespace hs::test
