// `cairn serve --data DIR [--listen 127.0.0.1:4566]`: the CloudTrail API for real AWS clients
// (doc/api.md). The first start on a data folder bootstraps the organization (a management account
// and an admin credential, written to DIR/admin-credentials with mode 0600 and printed once).
// SIGINT / SIGTERM stop it gracefully: no new connections, requests in flight finish, the stores
// are flushed and closed. Exit 0 after a clean shutdown, 1 when the server or a store failed, 2 for
// usage errors (a bad --listen, a port in use).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "api/api_server.h"
#include "cli/command.h"
#include "cli/data_flags.h"
#include "cloud/organization.h"
#include "cloud/secret_box.h"

namespace cairn::cli {
namespace {

struct ServeArgs {
  DataFlags data;
  std::string listen = "127.0.0.1:4566";
  std::string management_account;
  std::string management_name = "management";
  int64_t max_skew_seconds = 15 * 60;
  size_t threads = 0;
};

// The admin credential as an AWS shared-credentials file, so that
//   AWS_SHARED_CREDENTIALS_FILE=DIR/admin-credentials aws --endpoint-url ... cloudtrail ...
// works as is.
std::string CredentialsFile(const cloud::BootstrapResult& b) {
  return "# cairn admin credential of the management account " + b.management.id +
         " (organization " + b.organization_id +
         ")\n[default]\naws_access_key_id = " + b.admin.info.access_key_id +
         "\naws_secret_access_key = " + b.admin.secret_access_key + "\n";
}

int RunServe(const ServeArgs& args) {
  auto listen = api::ParseListenAddress(args.listen);
  if (!listen.ok()) return ReportError(listen.status());

  // Block the stop signals before any thread starts, so that only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto data = OpenDataDir(args.data, /*create=*/true);
  if (!data.ok()) return ReportError(data.status());
  auto org = cloud::Organization::Open(data->dir.get());
  if (!org.ok()) return ReportError(org.status());
  auto bootstrapped = (*org)->bootstrapped();
  if (!bootstrapped.ok()) return ReportError(bootstrapped.status());
  if (!*bootstrapped) {
    auto b = (*org)->Bootstrap(args.management_account, args.management_name);
    if (!b.ok()) return ReportError(b.status());
    const std::string path = args.data.data + std::string("/admin-credentials");
    Status written = cloud::WritePrivateFile(path, CredentialsFile(*b));
    if (!written.ok()) return ReportError(written);
    std::printf(
        "Created organization %s with management account %s (%s).\n"
        "Admin credential (shown once; also in %s, mode 0600):\n"
        "  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n",
        b->organization_id.c_str(), b->management.id.c_str(), b->management.name.c_str(),
        path.c_str(), b->admin.info.access_key_id.c_str(), b->admin.secret_access_key.c_str());
  }

  api::ApiServerOptions options;
  options.http.host = listen->first;
  options.http.port = listen->second;
  options.http.threads = args.threads;
  options.sigv4.max_skew_seconds = args.max_skew_seconds;
  auto server = api::ApiServer::Start(data->dir.get(), org->get(), options);
  if (!server.ok()) {
    ReportError(server.status());
    return kExitUsage;
  }
  std::printf("cairn serve: listening on http://%s:%d (data %s)\n", listen->first.c_str(),
              (*server)->port(), args.data.data.c_str());
  std::fflush(stdout);

  std::atomic<bool> run_ended{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!run_ended.load()) {
      std::fprintf(stderr, "cairn serve: %s received, finishing requests in flight\n",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    (*server)->Shutdown();
  });
  Status run = (*server)->Run();
  // Run() may also end on its own (a failed listener): release the waiter.
  run_ended.store(true);
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  Status stopped = (*server)->Close();
  server->reset();
  if (!stopped.ok()) return ReportError(stopped);
  Status closed = data->dir->Close();
  if (!run.ok()) return ReportError(run);
  if (!closed.ok()) return ReportError(closed);
  std::fprintf(stderr, "cairn serve: stopped\n");
  return kExitOk;
}

std::function<int()> SetupServe(CLI::App* cmd) {
  auto args = std::make_shared<ServeArgs>();
  AddDataFlags(cmd, &args->data);
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->default_str("127.0.0.1:4566");
  cmd->add_option("--management-account", args->management_account,
                  "First start only: the management account's id (12 digits; default random)");
  cmd->add_option("--management-name", args->management_name,
                  "First start only: the management account's name")
      ->default_str("management");
  cmd->add_option("--max-skew", args->max_skew_seconds,
                  "Largest accepted difference between a request's signing time and the "
                  "server clock, in seconds (0: no check)")
      ->default_str("900");
  cmd->add_option("--threads", args->threads, "HTTP worker threads (0: 2 x cores, at least 4)");
  return [args] { return RunServe(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(serve, "serve", "Serve the CloudTrail API (JSON 1.1, SigV4) on one port",
                       SetupServe)
}  // namespace cairn::cli
