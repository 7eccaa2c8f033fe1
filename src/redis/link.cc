#include "redis/link.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/epoll.h>

#include <algorithm>

#include "core/log.h"
#include "core/text.h"

namespace coastguard::redis {

// What hiredis calls back with for one request: the link, the caller's callback, and the
// connection it was sent on (a reply from a dropped connection must not pop the new one's).
struct Link::Pending {
  Link* link;
  Callback done;
  redisAsyncContext* ac;
  bool tracked;       // counted in sent_at_ (everything but the subscription)
  bool subscription;  // called once per message; freed with the connection
};

// One connection's socket, as hiredis's event hooks see it: a connection being freed late (after
// a callback) must not touch the socket of the one that replaced it.
struct Link::Socket {
  Link* link;
  int fd;
  bool read = false;
  bool write = false;
  void Update() const { link->loop_.Modify(fd, (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u)); }
};

// hiredis's C callbacks, with access to the link's internals.
struct LinkCallbacks {
  static Link::Socket* Of(void* data) { return static_cast<Link::Socket*>(data); }
  static void AddRead(void* data) {
    Of(data)->read = true;
    Of(data)->Update();
  }
  static void DelRead(void* data) {
    Of(data)->read = false;
    Of(data)->Update();
  }
  static void AddWrite(void* data) {
    Of(data)->write = true;
    Of(data)->Update();
  }
  static void DelWrite(void* data) {
    Of(data)->write = false;
    Of(data)->Update();
  }
  static void Cleanup(void* data) {
    Link::Socket* socket = Of(data);
    socket->link->loop_.Unwatch(socket->fd);
    delete socket;
  }
  static void Connected(const redisAsyncContext* ac, int status) {
    Link* link = static_cast<Link*>(ac->data);
    if (ac != link->ac_) return;
    if (status != REDIS_OK) {
      link->last_error_ = ac->errstr;
      link->ac_ = nullptr;  // hiredis frees it after this callback
    }
    link->OnConnected(status == REDIS_OK);
  }
  static void Disconnected(const redisAsyncContext* ac, int status) {
    Link* link = static_cast<Link*>(ac->data);
    if (ac != link->ac_) return;  // a connection we dropped ourselves
    if (status != REDIS_OK) link->last_error_ = ac->errstr;
    link->ac_ = nullptr;  // hiredis frees it after this callback
    link->OnDisconnected();
  }
  static void Reply(redisAsyncContext* ac, void* r, void* privdata) {
    auto* p = static_cast<Link::Pending*>(privdata);
    const auto* reply = static_cast<const redisReply*>(r);
    Link* link = p->link;
    if (p->tracked && ac == link->ac_ && !link->sent_at_.empty()) link->sent_at_.pop_front();
    if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) ++link->stats_.failed;
    if (p->subscription) {
      if (reply == nullptr) {
        delete p;  // the connection is going away
        return;
      }
      p->done(reply);
      return;
    }
    Link::Callback done = std::move(p->done);
    delete p;
    if (done) done(reply);
  }
};

std::string_view ReplyText(const redisReply* reply) {
  if (reply == nullptr) return {};
  if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS &&
      reply->type != REDIS_REPLY_ERROR) {
    return {};
  }
  return {reply->str, reply->len};
}

bool ReplyIsError(const redisReply* reply) {
  return reply == nullptr || reply->type == REDIS_REPLY_ERROR;
}

std::string_view Link::StateName(State state) {
  switch (state) {
    case State::kIdle: return "idle";
    case State::kConnecting: return "connecting";
    case State::kReady: return "up";
    case State::kDown: return "down";
  }
  return "down";
}

Link::Link(io::EventLoop& loop, std::string name, LinkSettings settings)
    : loop_(loop), name_(std::move(name)), settings_(settings) {
  backoff_ = settings_.backoff_min;
  // Deadlines and reconnects: a tenth of the timeout keeps a hung server's cost near it.
  const core::Duration tick = std::clamp<core::Duration>(settings_.timeout / 10, core::kMillisecond,
                                                         50 * core::kMillisecond);
  timer_ = loop_.Every(tick, [this] { Tick(); });
}

Link::~Link() {
  loop_.Cancel(timer_);
  Close();
}

void Link::Connect(const Endpoint& endpoint) {
  if (ac_ != nullptr) Fail("moving to " + endpoint.ToString());
  endpoint_ = endpoint;
  wanted_ = true;
  backoff_ = settings_.backoff_min;
  StartConnect();
}

void Link::Close() {
  wanted_ = false;
  if (ac_ != nullptr) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    state_ = State::kIdle;
    redisAsyncFree(ac);
  }
  state_ = State::kIdle;
  sent_at_.clear();
}

void Link::Subscribe(std::string channel, MessageFn on_message) {
  channel_ = std::move(channel);
  on_message_ = std::move(on_message);
}

void Link::StartConnect() {
  state_ = State::kConnecting;
  deadline_ = io::EventLoop::Now() + settings_.connect_timeout;
  redisAsyncContext* ac = endpoint_.unix_path.empty()
                              ? redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port)
                              : redisAsyncConnectUnix(endpoint_.unix_path.c_str());
  if (ac == nullptr || ac->err != 0) {
    last_error_ = ac == nullptr ? "out of memory" : ac->errstr;
    if (ac != nullptr) redisAsyncFree(ac);
    state_ = State::kDown;
    reconnect_at_ = io::EventLoop::Now() + backoff_;
    backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
    return;
  }
  ac_ = ac;
  // Identifies this connection in deferred work: a freed context's address can come back from
  // malloc for the next one, so the pointer alone does not tell them apart.
  const uint64_t connection = ++connection_;
  const int fd = ac->c.fd;
  ac->data = this;
  ac->ev.data = new Socket{this, fd};
  ac->ev.addRead = &LinkCallbacks::AddRead;
  ac->ev.delRead = &LinkCallbacks::DelRead;
  ac->ev.addWrite = &LinkCallbacks::AddWrite;
  ac->ev.delWrite = &LinkCallbacks::DelWrite;
  ac->ev.cleanup = &LinkCallbacks::Cleanup;
  if (!loop_.Watch(fd, 0, [this, connection](uint32_t events) {
        // Not a late event for a connection since dropped.
        if (connection == connection_ && ac_ != nullptr) OnEvents(events);
      })) {
    Fail("cannot watch the socket");
    return;
  }
  redisAsyncSetDisconnectCallback(ac, &LinkCallbacks::Disconnected);
  // Also asks for the first write event, which tells the connection is established.
  redisAsyncSetConnectCallback(ac, &LinkCallbacks::Connected);
}

void Link::OnEvents(uint32_t events) {
  redisAsyncContext* ac = ac_;
  if (ac == nullptr) return;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) redisAsyncHandleRead(ac);
  if (ac_ == ac && (events & EPOLLOUT) != 0) redisAsyncHandleWrite(ac);
}

void Link::OnConnected(bool ok) {
  if (!ok) {
    state_ = State::kDown;
    reconnect_at_ = io::EventLoop::Now() + backoff_;
    backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
    return;
  }
  // Not inside hiredis's connect callback: freeing the context there is not deferred.
  redisEnableKeepAlive(&ac_->c);  // a peer gone without a FIN shows up as an error
  const uint64_t connection = connection_;
  loop_.Soon([this, connection] {
    if (connection == connection_ && ac_ != nullptr) Login();
  });
}

void Link::OnDisconnected() {
  const bool was_ready = state_ == State::kReady;
  state_ = State::kDown;
  sent_at_.clear();
  reconnect_at_ = io::EventLoop::Now() + backoff_;
  backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
  if (was_ready) {
    core::Log(core::Cat("redis ", name_, ": lost ", endpoint_.ToString(),
                        last_error_.empty() ? "" : ": ", last_error_));
    if (on_down_) on_down_();
  }
}

void Link::Fail(std::string why) {
  last_error_ = std::move(why);
  const bool was_ready = state_ == State::kReady;
  state_ = State::kDown;
  if (ac_ != nullptr) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;  // its callbacks (null replies) and disconnect are not this connection's
    redisAsyncFree(ac);
  }
  sent_at_.clear();
  reconnect_at_ = io::EventLoop::Now() + backoff_;
  backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
  if (was_ready) {
    core::Log(core::Cat("redis ", name_, ": dropped ", endpoint_.ToString(), ": ", last_error_));
    if (on_down_) on_down_();
  }
}

void Link::Login() {
  // AUTH, then SELECT, then SUBSCRIBE, each on the previous one's answer; any error drops the
  // connection (a wrong password is retried with the backoff, and logged once per attempt).
  auto after_select = [this] {
    if (channel_.empty()) {
      BecomeReady();
      return;
    }
    auto* p = new Pending{this, nullptr, ac_, false, true};
    p->done = [this](const redisReply* reply) {
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
      const std::string_view kind = ReplyText(reply->element[0]);
      if (kind == "subscribe") {
        BecomeReady();
      } else if (kind == "message" && on_message_) {
        on_message_(ReplyText(reply->element[1]), ReplyText(reply->element[2]));
      }
    };
    const char* argv[] = {"SUBSCRIBE", channel_.c_str()};
    const size_t lens[] = {9, channel_.size()};
    if (redisAsyncCommandArgv(ac_, &LinkCallbacks::Reply, p, 2, argv, lens) != REDIS_OK) {
      delete p;
      Fail("cannot subscribe");
    }
  };
  auto after_auth = [this, after_select] {
    if (endpoint_.db == 0) {
      after_select();
      return;
    }
    const std::string db = core::Cat(endpoint_.db);
    Send(
        {"SELECT", db},
        [this, after_select](const redisReply* reply) {
          if (ac_ == nullptr || reply == nullptr) return;  // the connection went: it says why
          if (ReplyIsError(reply)) {
            core::Log(core::Cat("redis ", name_, ": SELECT ", endpoint_.db,
                                " refused: ", ReplyText(reply)));
            Fail("SELECT refused");
            return;
          }
          after_select();
        },
        /*track=*/false);
  };
  if (endpoint_.password.empty()) {
    after_auth();
    return;
  }
  std::vector<std::string_view> auth = {"AUTH"};
  if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
  auth.push_back(endpoint_.password);
  Send(
      auth,
      [this, after_auth](const redisReply* reply) {
        if (ac_ == nullptr || reply == nullptr) return;
        if (ReplyIsError(reply)) {
          // Redis's answer names the problem (WRONGPASS, no password set); never the password.
          core::Log(core::Cat("redis ", name_, ": AUTH refused by ", endpoint_.ToString(), ": ",
                              ReplyText(reply)));
          Fail("AUTH refused");
          return;
        }
        after_auth();
      },
      /*track=*/false);
}

void Link::BecomeReady() {
  state_ = State::kReady;
  ready_since_ = io::EventLoop::Now();
  ++stats_.connects;
  core::Log(core::Cat("redis ", name_, ": connected to ", endpoint_.ToString()));
  if (on_ready_) on_ready_();
}

bool Link::Command(const std::vector<std::string_view>& args, Callback done) {
  if (state_ != State::kReady || !channel_.empty()) {
    ++stats_.refused;
    return false;
  }
  return Send(args, std::move(done), /*track=*/true);
}

bool Link::Send(const std::vector<std::string_view>& args, Callback done, bool track) {
  if (ac_ == nullptr) return false;
  argv_.clear();
  lens_.clear();
  for (const std::string_view arg : args) {
    argv_.push_back(arg.data());
    lens_.push_back(arg.size());
  }
  auto* p = new Pending{this, std::move(done), ac_, track, false};
  if (redisAsyncCommandArgv(ac_, &LinkCallbacks::Reply, p, static_cast<int>(argv_.size()),
                            argv_.data(), lens_.data()) != REDIS_OK) {
    delete p;
    ++stats_.failed;
    return false;
  }
  ++stats_.commands;
  // Login requests have the connect deadline; only the others count for the timeout.
  if (track) sent_at_.push_back(io::EventLoop::Now());
  return true;
}

void Link::Tick() {
  const core::Timestamp now = io::EventLoop::Now();
  switch (state_) {
    case State::kConnecting:
      if (now > deadline_)
        Fail(core::Cat("no connection within ", settings_.connect_timeout / 1000, " ms"));
      break;
    case State::kReady:
      // Healthy for a while: the next failure starts the backoff afresh (not at once, or a
      // server that fails every connection soon after login would be hammered).
      if (now - ready_since_ > settings_.backoff_max) backoff_ = settings_.backoff_min;
      if (!sent_at_.empty() && now - sent_at_.front() > settings_.timeout) {
        ++stats_.timeouts;
        Fail(core::Cat("no answer within ", settings_.timeout / 1000, " ms"));
      }
      break;
    case State::kDown:
      if (wanted_ && now >= reconnect_at_) StartConnect();
      break;
    case State::kIdle: break;
  }
}

}  // namespace coastguard::redis
