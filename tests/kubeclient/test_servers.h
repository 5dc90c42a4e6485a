#pragma once
// Small servers the auth tests run next to the real API server: an OpenID Connect issuer over
// HTTPS (discovery + refresh-token grant) and an HTTP CONNECT proxy. Each runs on its own thread
// so the test thread can make blocking client calls meanwhile.
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hs::test {

// Writes to a socket whose peer may already have gone: MSG_NOSIGNAL turns the SIGPIPE that
// write(2) would raise into an EPIPE return, which the servers here simply ignore.
inline ssize_t sendQuiet(int fd, const void* data, size_t size) { return ::send(fd, data, size, MSG_NOSIGNAL); }

// A fake OIDC provider: /.well-known/openid-configuration names /token; /token answers a
// refresh_token grant for `refreshToken` with `idToken` and a rotated refresh token.
class OidcIssuer : public QObject {
public:
    std::string idToken;
    std::string refreshToken = "refresh-1";
    std::string newRefreshToken = "refresh-2";
    std::atomic<int> discoveries{0}, tokenRequests{0};
    std::mutex mu;
    std::string lastTokenRequest;  // headers + body of the last /token request

    bool startOn(QThread& thread, const QString& certFile, const QString& keyFile) {
        moveToThread(&thread);
        thread.start();
        bool ok = false;
        QMetaObject::invokeMethod(
            this, [&] { ok = listen(certFile, keyFile); }, Qt::BlockingQueuedConnection);
        return ok;
    }
    int port() const { return port_; }

private:
    bool listen(const QString& certFile, const QString& keyFile) {
        QFile cf(certFile), kf(keyFile);
        if (!cf.open(QIODevice::ReadOnly) || !kf.open(QIODevice::ReadOnly)) return false;
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setLocalCertificate(QSslCertificate(cf.readAll(), QSsl::Pem));
        conf.setPrivateKey(QSslKey(kf.readAll(), QSsl::Rsa, QSsl::Pem));
        server_ = new QSslServer(this);
        server_->setSslConfiguration(conf);
        connect(server_, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket* s = server_->nextPendingConnection()) {
                auto* buf = new QByteArray;
                connect(s, &QObject::destroyed, [buf] { delete buf; });
                connect(s, &QTcpSocket::readyRead, this, [this, s, buf] {
                    buf->append(s->readAll());
                    int end = buf->indexOf("\r\n\r\n");
                    if (end < 0) return;
                    QByteArray head = buf->left(end);
                    int len = 0;
                    for (const QByteArray& line : head.split('\n'))
                        if (line.toLower().startsWith("content-length:")) len = line.mid(15).trimmed().toInt();
                    if (buf->size() < end + 4 + len) return;
                    QByteArray body = buf->mid(end + 4, len);
                    answer(s, head, body);
                });
            }
        });
        if (!server_->listen(QHostAddress::LocalHost, 0)) return false;
        port_ = server_->serverPort();
        return true;
    }

    void answer(QTcpSocket* s, const QByteArray& head, const QByteArray& body) {
        QByteArray status = "200 OK", json;
        QString base = QString("https://127.0.0.1:%1").arg(port_);
        if (head.startsWith("GET /.well-known/openid-configuration ")) {
            ++discoveries;
            json = QString(R"({"issuer":"%1","token_endpoint":"%1/token"})").arg(base).toUtf8();
        } else if (head.startsWith("POST /token ")) {
            ++tokenRequests;
            {
                std::lock_guard lock(mu);
                lastTokenRequest = (head + "\r\n\r\n" + body).toStdString();
            }
            if (body.contains("grant_type=refresh_token") && body.contains(("refresh_token=" + refreshToken).c_str())) {
                json = QString(R"({"access_token":"at","token_type":"Bearer","id_token":"%1","refresh_token":"%2"})")
                           .arg(QString::fromStdString(idToken), QString::fromStdString(newRefreshToken))
                           .toUtf8();
            } else {
                status = "400 Bad Request";
                json = R"({"error":"invalid_grant"})";
            }
        } else {
            status = "404 Not Found";
            json = "{}";
        }
        s->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                 QByteArray::number(json.size()) + "\r\n\r\n" + json);
        s->disconnectFromHost();
    }

    QSslServer* server_ = nullptr;
    int port_ = 0;
};

// An HTTP CONNECT proxy that counts the tunnels it opened.
class ConnectProxy {
public:
    ~ConnectProxy() { stop(); }
    bool start() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) return false;
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        accept_ = std::thread([this, fd = fd_] { acceptLoop(fd); });
        return true;
    }
    void stop() {
        if (fd_ < 0) return;
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        fd_ = -1;
        if (accept_.joinable()) accept_.join();
        for (auto& t : tunnels_) t.join();
        tunnels_.clear();
    }
    int port = 0;
    std::atomic<int> tunnels{0};
    std::mutex mu;
    std::vector<std::string> targets;

private:
    void acceptLoop(int fd) {
        while (!stopping_) {
            int c = ::accept(fd, nullptr, nullptr);
            if (c < 0) return;
            tunnels_.emplace_back([this, c] { tunnel(c); });
        }
    }
    void tunnel(int c) {
        std::string head;
        char ch;
        while (head.find("\r\n\r\n") == std::string::npos && ::read(c, &ch, 1) == 1) head.push_back(ch);
        // CONNECT host:port HTTP/1.1
        auto sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        {
            std::lock_guard lock(mu);
            targets.push_back(target);
        }
        auto colon = target.rfind(':');
        int up = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(std::atoi(target.c_str() + colon + 1)));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // tests only tunnel to loopback
        if (head.rfind("CONNECT ", 0) != 0 || ::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            const char* no = "HTTP/1.1 502 Bad Gateway\r\n\r\n";
            (void)!sendQuiet(c, no, std::strlen(no));
            ::close(up);
            ::close(c);
            return;
        }
        ++tunnels;
        const char* ok = "HTTP/1.1 200 Connection established\r\n\r\n";
        (void)!sendQuiet(c, ok, std::strlen(ok));
        pollfd fds[2] = {{c, POLLIN, 0}, {up, POLLIN, 0}};
        char buf[16384];
        while (!stopping_) {
            if (::poll(fds, 2, 200) <= 0) continue;
            bool done = false;
            for (int i = 0; i < 2; ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n <= 0 || sendQuiet(fds[1 - i].fd, buf, static_cast<size_t>(n)) != n) done = true;
            }
            if (done) break;
        }
        ::close(up);
        ::close(c);
    }
    int fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread accept_;
    std::vector<std::thread> tunnels_;
};

}  // namespace hs::test

namespace hs::test {

// A plain-HTTP stand-in for the API server, for reflector behaviour a real server will not show
// on demand (a continue token expiring mid-list, a server without watch-list). One request per
// connection; a response is either a body, or a stream of chunks written then closed.
class StubApiServer {
public:
    struct Response {
        int status = 200;
        std::string body;
        std::vector<std::string> stream;  // when set: written one by one (a watch), then closed
        int holdMs = 0;  // keep a stream open this long after the chunks
    };
    using Handler = std::function<Response(const std::string& method, const std::string& target)>;

    explicit StubApiServer(Handler h) : handler_(std::move(h)) {}
    ~StubApiServer() { stop(); }
    bool start() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) return false;
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        accept_ = std::thread([this, fd = fd_] {
            while (!stopping_) {
                int c = ::accept(fd, nullptr, nullptr);
                if (c < 0) return;
                std::lock_guard lock(mu_);
                workers_.emplace_back([this, c] { serve(c); });
            }
        });
        return true;
    }
    void stop() {
        if (fd_ < 0) return;
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        fd_ = -1;
        if (accept_.joinable()) accept_.join();
        std::vector<std::thread> workers;
        {
            std::lock_guard lock(mu_);
            workers.swap(workers_);
        }
        for (auto& t : workers) t.join();
    }
    std::vector<std::string> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }
    int port = 0;

private:
    void serve(int c) {
        std::string head;
        char ch;
        while (head.find("\r\n\r\n") == std::string::npos && ::read(c, &ch, 1) == 1) head.push_back(ch);
        auto sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        std::string method = head.substr(0, sp1), target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        {
            std::lock_guard lock(mu_);
            requests_.push_back(method + ' ' + target);
        }
        Response r = handler_(method, target);
        std::string out =
            "HTTP/1.1 " + std::to_string(r.status) + " X\r\nContent-Type: application/json\r\nConnection: close\r\n";
        if (r.stream.empty())
            out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
        else
            out += "\r\n";
        (void)!sendQuiet(c, out.data(), out.size());
        for (const auto& chunk : r.stream) {
            (void)!sendQuiet(c, chunk.data(), chunk.size());
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        for (int waited = 0; waited < r.holdMs && !stopping_; waited += 20)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::shutdown(c, SHUT_RDWR);
        ::close(c);
    }
    Handler handler_;
    int fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread accept_;
    std::mutex mu_;
    std::vector<std::thread> workers_;
    std::vector<std::string> requests_;
};

}  // namespace hs::test
