// Terminal material: the names a pasted shell session carries that no AWS shape gives away. The host in a shell
// prompt (bash's \u@\h:\w\$, Amazon Linux's [\u@\h \W]\$, zsh's %n@%m %1~ %#), people's logins in sshd, pam, logind
// and sudo lines and in home paths, /etc/hosts aliases, ssh config Host aliases and ssh's own messages, scp/rsync
// targets in a private zone, systemd units named by systemctl and journalctl. Each is found from an anchor (one
// search through the text per anchor) and read over a bounded window; contacts.ts adds them to its spans.
import * as ch from "./chars";
import { byteAt, sub } from "./chars";
import { ENUM_WORDS, jobShellName, regionName, stopWord } from "./names";

const cls = ch.cls;
const C_ALNUM = ch.C_ALNUM;
const C_DIGIT = ch.C_DIGIT;
const LF = 10;
const SPACE = 32;

const setOf = ch.wordSet;

// accounts of the system, a distribution, an AMI or a service (not a person's): kept
const SYSTEM_USERS = setOf(
  "root ec2-user ubuntu admin centos fedora bitnami debian core ssm-user git nobody postgres mysql www-data nginx " +
    "apache daemon sshd ftp jenkins invalid user unknown sync shutdown halt mail operator games ntp chrony " +
    "systemd-network systemd-resolve messagebus polkitd rpc rpcuser dbus redis elasticsearch kafka zookeeper " +
    "hadoop hdfs yarn spark hive airflow docker ssm-agent cwagent ec2-instance-connect localhost deploy deployer " +
    "app build ci runner gitlab-runner svc service backup ansible terraform vagrant pi test guest oracle ops dev " +
    "developer ubuntu-server opc azureuser someone username me you yourname your-user example user1 foo bar",
);
// units of the system, a distribution or an agent (AWS's, monitoring vendors'): kept
const SYSTEM_UNITS = setOf(
  "sshd ssh chronyd crond cron amazon-ssm-agent amazon-cloudwatch-agent amazon-efs-mount-watchdog awslogsd ecs " +
    "codedeploy-agent docker containerd kubelet nginx httpd apache2 postgresql mysql mysqld mariadb redis " +
    "redis-server rsyslog syslog NetworkManager networking network snapd ufw firewalld auditd td-agent fluent-bit " +
    "fluentd haproxy tomcat tomcat9 jenkins grafana-server prometheus node_exporter datadog-agent falcon-sensor " +
    "nfs-server cloud-init cloud-config cloud-final dbus polkit tuned irqbalance atd postfix sendmail " +
    "amazon-ssm-agent.service multi-user.target default.target " +
    // (the distributions' timers: systemctl list-timers)
    "apt-daily apt-daily-upgrade logrotate fstrim man-db e2scrub_all motd-news certbot dnf-makecache " +
    "unattended-upgrades update-notifier-download sysstat-collect sysstat-summary anacron phpsessionclean mlocate " +
    "plocate-updatedb updatedb raid-check dnf-automatic snapd.snap-repair",
);
// processes of the system, a runtime or an agent, as netstat -p, ss -p and lsof print them (comm, cut to 15 or 9
// units): kept
const SYSTEM_PROCESSES = setOf(
  "sshd systemd systemd-resolve systemd-network systemd-timesyn systemd-journal chronyd ntpd dhclient rpcbind master " +
    "nginx httpd apache2 haproxy envoy java node python python3 ruby php-fpm dotnet dockerd containerd " +
    "containerd-shim docker-proxy kubelet kube-proxy amazon-ssm-agen amazon-ssm-agent ssm-agent-worke ssm-session-wor " +
    "amazon-cloudwa amazon-cloudwat otelcol trace-agent process-agent agent postgres mysqld mongod redis-server memcached " +
    "rsyslogd cupsd avahi-daemon dnsmasq unbound named snmpd squid sendmail postfix exim4 cron crond atd " +
    "sshd: bash sh zsh curl wget nc ssh telnet openvpn wg charon nscd sssd amazon-efs-mount stunnel stunnel4 " +
    "beam.smp epmd erl gunicorn uwsgi uvicorn puma unicorn celery supervisord pm2 chrome firefox code Google",
);
// the home directory's placeholders, and the accounts of images, CI runners and dev containers: kept
const HOME_PLACEHOLDERS = setOf(
  "user name username yourname your-name your_user youruser me you node vscode codespace gitpod circleci travis " +
    "runner linuxbrew administrator public default shared guest all sbx_user1051 docker app user1 foo bar",
);
// hosts of the docs' examples and the system's own
const PLACEHOLDER_HOSTS = setOf("localhost host hostname your-host myhost my-host server machine instance example");
// a private DNS zone's last label (kiln-worker-12.bcove.internal)
const PRIVATE_ZONES = setOf("internal local corp lan intra private localdomain home");

/** A unit of a login name: letters, digits, ".", "_", "-". */
function userUnit(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 46 || c === 95 || c === 45;
}

/** A unit of a host name: letters, digits, ".", "-". */
function hostUnit(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 46 || c === 45;
}

/** The end of the run of host units (hostUnit) from a, at most max of them. */
function hostRunEnd(s: string, a: number, n: number, max: number): number {
  let e = a;
  while (e < n && e - a < max && hostUnit(byteAt(s, e))) e++;
  return e;
}

/** The end of the run of login units (userUnit) from a, at most max of them. */
function loginRunEnd(s: string, a: number, n: number, max: number): number {
  let e = a;
  while (e < n && e - a < max && userUnit(byteAt(s, e))) e++;
  return e;
}

/** True when s[a, b) holds a letter (not an address, a number or a version). */
function lettered(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if ((cls(byteAt(s, k)) & (ch.C_LOWER | ch.C_UPPER)) !== 0) return true;
  return false;
}

function add(spans: number[], count: number, a: number, b: number): number {
  spans[3 * count] = a;
  spans[3 * count + 1] = b;
  spans[3 * count + 2] = SPAN_KIND.kind;
  return count + 1;
}

/** The kind each span gets (contacts.ts's HOST_ACCOUNT: a resource name), set by terminalNames' caller. */
const SPAN_KIND = { kind: 0 };

/** A login's end after s[.., a): its units (at most 32), a trailing "." not counted. */
function userEnd(s: string, a: number, n: number): number {
  let e = loginRunEnd(s, a, n, 32);
  while (e > a && byteAt(s, e - 1) === 46) e--;
  return e;
}

/** A person's login s[a, e): two units or more, a letter, no system account. */
function personLogin(s: string, a: number, e: number): boolean {
  return e - a >= 2 && lettered(s, a, e) && SYSTEM_USERS[sub(s, a, e).toLowerCase()] !== true;
}

/** A host s[a, e) worth masking: a letter in it, not localhost, not an ip-10-0-0-1 name (its own rule's). */
function hostName(s: string, a: number, e: number): boolean {
  if (e - a < 2 || !lettered(s, a, e)) return false;
  const h = sub(s, a, e).toLowerCase();
  return (
    PLACEHOLDER_HOSTS[h] !== true && !(h.indexOf("ip-") === 0 && a + 3 < e && (cls(byteAt(s, a + 3)) & C_DIGIT) !== 0)
  );
}

/**
 * The prompt's end after a host ending at h (":" or " ", a path, "]", a blank in zsh's, then $, # or % and a blank or
 * the line's end), or -1.
 */
function promptEnd(s: string, h: number, n: number): number {
  const c = byteAt(s, h);
  if (c !== 58 && c !== SPACE) return -1;
  let q = h + 1;
  while (q < n && q - h < 128) {
    const d = byteAt(s, q);
    if (d === LF || d === SPACE || d === 36 || d === 35 || d === 37 || d === 93) break;
    q++;
  }
  if (q < n && byteAt(s, q) === 93) q++;
  else if (c === SPACE && q < n && byteAt(s, q) === SPACE) q++;
  if (q >= n) return -1;
  const t = byteAt(s, q);
  if (t !== 36 && t !== 35 && t !== 37) return -1;
  return q + 1 >= n || byteAt(s, q + 1) === SPACE || byteAt(s, q + 1) === LF ? q : -1;
}

/** Shell prompts and scp/rsync targets: user@host at a line's start before a prompt's end, user@host.zone:/path. */
function atNames(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "@");
  while (p >= 0 && p + 2 < n) {
    let a = p;
    while (a > 0 && p - a < 32 && userUnit(byteAt(s, a - 1))) a--;
    let h = hostRunEnd(s, p + 1, n, 128);
    while (h > p + 1 && byteAt(s, h - 1) === 46) h--;
    if (a < p && h > p + 2 && h < n) {
      const before = a > 0 ? byteAt(s, a - 1) : LF;
      const lineStart = before === LF || (before === 91 && (a === 1 || byteAt(s, a - 2) === LF));
      let take = lineStart && promptEnd(s, h, n) >= 0;
      if (!take && byteAt(s, h) === 58 && h + 1 < n && (byteAt(s, h + 1) === 47 || byteAt(s, h + 1) === 126)) {
        // scp/rsync's [user@]host:path with the host in a private zone (public names are contacts.ts's)
        let l = h;
        while (l > p + 1 && byteAt(s, l - 1) !== 46) l--;
        take = l > p + 1 && PRIVATE_ZONES[sub(s, l, h).toLowerCase()] === true;
      }
      if (take) {
        if (personLogin(s, a, p)) count = add(spans, count, a, p);
        if (hostName(s, p + 1, h)) count = add(spans, count, p + 1, h);
      }
    }
    p = ch.indexFrom(s, "@", h > p + 1 ? h : p + 1);
  }
  return count;
}

// Names between an anchor and what must follow them, and what they name. A person's login ("person": at most 32
// units, no system account; not a home directory's path: /Users/webpack in a README is a placeholder, and a login
// is learned, replaced all over the text) after sshd's, pam_unix's, Apache's, a JDBC client's and Active Directory's
// cmdlets' words; a name a tool's line quotes ("name": at most 249 units): kcat's metadata, the Kafka client's
// error, Airflow's connection, API Gateway's authorizer. What follows: a fixed text, or "" (a blank, a quote, "(",
// ")", "<", "." or the line's end); "~" as "" for a name with a digit, "_", "-" or "." (Connecting as user glue_reader; not
// "Connecting as user with ..."). A "node" is a name without a "." (a host's is its readers').
const NAME_ANCHORS = [
  ["Accepted publickey for ", " from ", "person"],
  ["Accepted password for ", " from ", "person"],
  ["Accepted keyboard-interactive/pam for ", " from ", "person"],
  ["Failed password for ", " from ", "person"],
  ["Failed password for invalid user ", " from ", "person"],
  ["Invalid user ", " from ", "person"],
  ["session opened for user ", "", "person"],
  ["session closed for user ", "", "person"],
  ["Connecting as user ", "~", "person"],
  ["AH01618: user ", " not found", "person"],
  ["Get-ADUser ", "~", "person"],
  ["Get-ADUser -Identity ", "", "person"],
  ['topic "', '" with ', "name"],
  ["Topic ", " not present in metadata", "name"],
  ["Using connection ID '", "' for", "name"],
  ["Starting authorizer: ", " for request", "name"],
  // credential helpers' profiles (aws-vault, granted, the AWS Toolkit's log, leapp): "~" wants a "-", "_", "." or a
  // digit in the name (a profile of letters alone is default, or a word)
  ["aws-vault exec ", "~", "name"],
  ["aws-vault login ", "~", "name"],
  ["assume -c ", "~", "name"],
  ['found profile "', '"', "name"],
  ['skipping profile "', '"', "name"],
  ['session start "', '"', "name"],
  ["profile ", ": using ", "name"],
  // leapp's log (roleSessionName <name>); Okta's AWS app (gimme-aws-creds' app_url .../home/amazon_aws/<app id>/272)
  ["roleSessionName ", "~", "name"],
  ["/home/amazon_aws/", "", "name"],
  // a database user in an incident's prose (connected as dbre_okafor, logged in as svc_recon)
  ["connected as ", "~", "person"],
  ["logged in as ", "~", "person"],
  // strongSwan's connection (ipsec.conf's conn <name>, not %default), an nftables set (set <name> {)
  ["\nconn ", "~", "name"],
  ["set ", " {", "name"],
  // cloud-init's users module (cc_users_groups: Adding user <login>, useradd's argv as its log prints it), a role
  // session's name after its role (assuming role arn:... (session <name>))
  ["]: Adding user ", "", "person"],
  ["['useradd', '", "', '", "person"],
  ["(session ", ")", "name"],
  // Okta's IdP entity id, a SAML assertion's issuer (http://www.okta.com/exk<17>: a digit or none; "exk" stays)
  ["www.okta.com/exk", "", "name"],
  // (forty-sixth pass) Okta's AWS app in a System Log's requestUri,
  // an Entra ID tenant (a SAML entity id, a sign-in URL), a database user after a JDBC URL or an IAM auth token's
  // endpoint ("... with user glue_loader", "... as user iam_reporting_ro")
  ["/app/amazon_aws/", "", "name"],
  ["sts.windows.net/", "~", "name"],
  ["login.microsoftonline.com/", "~", "name"],
  ["with user ", "~", "person"],
  [" as user ", "~", "person"],
  // (forty-seventh pass) API Gateway's execution log: "Usage Plan check succeeded for API Key <key id> and API Stage
  // <api id>/<stage>"
  ["for API Key ", " and API Stage ", "name"],
  ["and API Stage ", "/", "name"],
  // (fiftieth pass) a Storage Gateway volume's iSCSI target (iqn.1997-05.com.amazon:<target>, AWS's own naming
  // authority: iscsiadm's discovery and login lines, -T), the Chef node a chef-client run is for (its node_name), an
  // EC2 key pair in knife-ec2's config (knife[:aws_ssh_key_id] = "<key pair>"), Slurm's user of a job (scontrol show
  // job's UserId=<user>(<uid>)) and account (Account=<account>, sbatch --account=<account>)
  ["iqn.1997-05.com.amazon:", "", "name"],
  ["Chef Infra Client Run for ", "", "node"],
  ["Starting Chef Run for ", "", "node"],
  ["UserId=", "", "person"],
  [" Account=", "~", "name"],
  [" --account=", "~", "name"],
];

// keys of Chef's and knife's configs whose quoted value is a name, and knife-ec2's "SSH Key: " (logins)
const CONFIG_NAME_KEYS = ["node_name ", "aws_ssh_key_id]", "SSH Key: "];

// the kinds of a Lustre file system's targets, after its name (logins)
const LUSTRE_TARGETS = ["-MDT", "-OST"];

// names a tool or AWS's template gives (the site-to-site VPN configuration's conn Tunnel1): kept
const TEMPLATE_NAMES = setOf("Tunnel1 Tunnel2 default");

/** True when s[a, e) is a name a tool or a template gives (TEMPLATE_NAMES). */
function templateName(s: string, a: number, e: number): boolean {
  return e - a <= 8 && TEMPLATE_NAMES[sub(s, a, e)] === true;
}

/** NAME_ANCHORS' names, the Common Log Format's user and sudo's log line's (<user> : TTY=). */
function logins(s: string, n: number, spans: number[], count: number): number {
  for (const [w, follower, what] of NAME_ANCHORS) {
    const person = what === "person";
    let p = ch.firstOf(s, w);
    while (p >= 0) {
      const a = p + w.length;
      const e = person ? userEnd(s, a, n) : loginRunEnd(s, a, n, 249);
      const c = e < n ? byteAt(s, e) : LF;
      // (the follower's first unit compared before a string is cut for it; the name's tests only after its end's:
      // an anchor of prose, "set ", "profile ", stands in many texts without its follower)
      const ends =
        follower.length > 1
          ? c === byteAt(follower, 0) && sub(s, e, e + follower.length) === follower
          : (c === SPACE ||
              c === LF ||
              c === 40 ||
              c === 46 ||
              c === 47 ||
              c === 13 ||
              c === 39 ||
              c === 34 ||
              c === 59 ||
              c === 44 ||
              c === 41 ||
              c === 60) &&
            (follower === "" || ch.runOf(s, a, e, ch.C_LOWER | ch.C_UPPER) < e - a);
      // (a Chef node's name with a dot is a host's, its readers' (ip-10-0-0-5.ec2.internal, web01.example.com))
      if (
        ends &&
        byteAt(s, a) !== 45 &&
        (person ? personLogin(s, a, e) : e - a >= 2 && lettered(s, a, e) && !templateName(s, a, e)) &&
        !(what === "node" && sub(s, a, e).indexOf(".") >= 0)
      )
        count = add(spans, count, a, e);
      p = ch.indexFrom(s, w, e > p + 1 ? e : p + 1);
    }
  }
  // the Common Log Format's authenticated user (<address> <ident> <user> [<date>]: Apache's, Tomcat's, API Gateway's
  // CLF access log), after an address and "-"
  let p = ch.firstOf(s, " - ");
  while (p >= 0) {
    const a = p + 3;
    const e = userEnd(s, a, n);
    if (
      e + 2 < n &&
      byteAt(s, e) === SPACE &&
      byteAt(s, e + 1) === 91 &&
      (cls(byteAt(s, e + 2)) & C_DIGIT) !== 0 &&
      p > 0 &&
      (cls(byteAt(s, p - 1)) & C_DIGIT) !== 0 &&
      personLogin(s, a, e)
    )
      count = add(spans, count, a, e);
    p = ch.indexFrom(s, " - ", e > p + 3 ? e : p + 3);
  }
  // (fiftieth pass) Chef's and knife's config lines (client.rb, config.rb: node_name "x", knife[:aws_ssh_key_id] = "x",
  // aligned) and knife-ec2's summary line (SSH Key: <key pair>): a node's name, an EC2 key pair's
  for (const w of CONFIG_NAME_KEYS) {
    p = ch.firstOf(s, w);
    // (SSH Key: opens its line and its value is the line's one word: not an OpenSSH public key, ssh-rsa AAAA...)
    const summary = byteAt(s, p) === 83;
    while (p >= 0) {
      let a = p + w.length;
      while (a < n && a - p < 48 && byteAt(s, a) === SPACE) a++;
      if (a < n && byteAt(s, a) === 61 && !summary) a++;
      while (a < n && a - p < 56 && byteAt(s, a) === SPACE) a++;
      const q = a < n ? byteAt(s, a) : 0;
      const quoted = q === 34 || q === 39;
      if (quoted) a++;
      const e = loginRunEnd(s, a, n, 128);
      const c = e < n ? byteAt(s, e) : LF;
      const ends = quoted
        ? !summary && c === q
        : summary && (p === 0 || byteAt(s, p - 1) === LF) && (c === LF || c === 13);
      if (ends && lettered(s, a, e)) count = add(spans, count, a, e);
      p = ch.indexFrom(s, w, e > p + 1 ? e : p + 1);
    }
  }
  // (fiftieth pass) an FSx for Lustre file system's mount name (8 lower-case letters and digits) before its targets'
  // names, as lfs df and lctl dl print them: <mount name>-MDT0000_UUID, -OST0001_UUID, -OST0000-osc-...
  for (const t of LUSTRE_TARGETS) {
    p = ch.firstOf(s, t);
    while (p >= 0) {
      let a = p;
      while (a > 0 && p - a < 9 && (cls(byteAt(s, a - 1)) & (ch.C_LOWER | C_DIGIT)) !== 0) a--;
      const h = p + 4 + ch.runOf(s, p + 4, p + 8 < n ? p + 8 : n, ch.C_HEX);
      if (p - a === 8 && h === p + 8 && (a === 0 || (cls(byteAt(s, a - 1)) & C_ALNUM) === 0) && lettered(s, a, p))
        count = add(spans, count, a, p);
      p = ch.indexFrom(s, t, p + 4);
    }
  }
  p = ch.firstOf(s, " : TTY=");
  while (p >= 0) {
    let a = p;
    while (a > 0 && p - a < 32 && userUnit(byteAt(s, a - 1))) a--;
    if (a < p && personLogin(s, a, p)) count = add(spans, count, a, p);
    p = ch.indexFrom(s, " : TTY=", p + 7);
  }
  return count;
}

/**
 * /etc/hosts' lines (hosts(5): an address, then the canonical name and aliases): each short name (no dot: a dotted
 * one is a DNS name, found by its own rules) on a line that opens with an IPv4 address and holds only names after it,
 * in a text that says "hosts" or holds localhost.
 */
function hostsLines(s: string, n: number, spans: number[], count: number): number {
  // (a hosts file's paste names it or holds localhost's line: cat /etc/hosts, getent hosts; other texts' lines are not
  // walked)
  let ls = ch.firstOf(s, "hosts") >= 0 || ch.firstOf(s, "localhost") >= 0 ? 0 : n;
  while (ls < n) {
    let le = s.indexOf("\n", ls);
    if (le < 0) le = n;
    if ((cls(byteAt(s, ls)) & C_DIGIT) !== 0 && le - ls < 512) {
      let q = ls;
      let dots = 0;
      while (q < le && ((cls(byteAt(s, q)) & C_DIGIT) !== 0 || byteAt(s, q) === 46)) {
        if (byteAt(s, q) === 46) dots++;
        q++;
      }
      if (dots === 3 && q < le && (byteAt(s, q) === SPACE || byteAt(s, q) === 9)) {
        const first = count;
        let names = 0;
        let shaped = false;
        let ok = true;
        while (ok && q < le) {
          while (q < le && (byteAt(s, q) === SPACE || byteAt(s, q) === 9 || byteAt(s, q) === 13)) q++;
          if (q >= le || byteAt(s, q) === 35) break;
          const a = q;
          while (q < le && (hostUnit(byteAt(s, q)) || byteAt(s, q) === 95)) q++;
          const c = q < le ? byteAt(s, q) : LF;
          ok = q > a && (c === SPACE || c === 9 || c === 13 || c === LF) && lettered(s, a, q) && names < 8;
          names++;
          if (ok && ch.runOf(s, a, q, ch.C_LOWER | ch.C_UPPER) < q - a) shaped = true;
          if (ok && sub(s, a, q).indexOf(".") < 0) {
            const h = sub(s, a, q).toLowerCase();
            if (h.indexOf("localhost") !== 0 && h.indexOf("ip6-") !== 0 && h !== "broadcasthost" && hostName(s, a, q))
              count = add(spans, count, a, q);
          }
        }
        // (a line of plain words is prose after an address: "10.0.0.5 is down"; a hosts line's names have a "-", a
        // digit or a dot in one of them)
        if (!ok || !shaped) count = first;
      }
    }
    ls = le + 1;
  }
  return count;
}

// ssh's messages that quote a host: known_hosts' updates and checks
const SSH_QUOTES = ["Permanently added '", "authenticity of host '", "Host key for '"];
// what follows a Host line of ssh_config(5)
const SSH_KEYWORDS = ["HostName ", "User ", "IdentityFile ", "Port ", "ProxyJump ", "ProxyCommand "];

/** A plain host token s[a, b): host units, no dot (a dotted one is a DNS name, left to the others' rules). */
function shortHost(s: string, a: number, b: number): boolean {
  for (let t = a; t < b; t++) if (!hostUnit(byteAt(s, t)) || byteAt(s, t) === 46) return false;
  return hostName(s, a, b);
}

/** ssh_config's Host aliases (a Host line with a keyword's line under it) and HostName values without a dot. */
function sshConfig(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "Host ");
  while (p >= 0) {
    let le = s.indexOf("\n", p);
    if (le < 0) le = n;
    if (p === 0 || byteAt(s, p - 1) === LF || byteAt(s, p - 1) === SPACE || byteAt(s, p - 1) === 9) {
      // the next line, indented, opens with a Host's keyword
      let k = le + 1;
      while (k < n && k - le < 16 && (byteAt(s, k) === SPACE || byteAt(s, k) === 9)) k++;
      let block = false;
      if (k > le + 1 && le - p < 256) for (const w of SSH_KEYWORDS) if (sub(s, k, k + w.length) === w) block = true;
      let q = p + 5;
      while (block && q < le) {
        while (q < le && byteAt(s, q) === SPACE) q++;
        const a = q;
        while (q < le && byteAt(s, q) !== SPACE && byteAt(s, q) !== 13) q++;
        // (a pattern, *, ?, !, is no host)
        if (q > a && shortHost(s, a, q)) count = add(spans, count, a, q);
      }
    }
    p = ch.indexFrom(s, "Host ", le > p + 5 ? le : p + 5);
  }
  p = ch.firstOf(s, "HostName ");
  while (p >= 0) {
    const a = p + 9;
    const e = hostRunEnd(s, a, n, 128);
    // (the keyword a word of its own: not EC2Launch's setHostName task in prose)
    if (
      (e >= n || byteAt(s, e) === LF || byteAt(s, e) === 13 || byteAt(s, e) === SPACE) &&
      (p === 0 || (cls(byteAt(s, p - 1)) & ch.C_ALNUM) === 0) &&
      shortHost(s, a, e)
    )
      count = add(spans, count, a, e);
    p = ch.indexFrom(s, "HostName ", e > p + 9 ? e : p + 9);
  }
  for (const w of SSH_QUOTES) {
    let r = ch.firstOf(s, w);
    while (r >= 0) {
      const a = r + w.length;
      const e = hostRunEnd(s, a, n, 128);
      if (e < n && (byteAt(s, e) === 39 || byteAt(s, e) === SPACE) && shortHost(s, a, e))
        count = add(spans, count, a, e);
      r = ch.indexFrom(s, w, e > r + 1 ? e : r + 1);
    }
  }
  return count;
}

// systemctl's verbs that take a unit
const SYSTEMCTL_VERBS = setOf(
  "start stop restart reload status enable disable cat is-active is-enabled show kill edit",
);

/** The unit after `systemctl <verb> ` and `journalctl -u `: its name before ".service" or ".timer", unless the system's. */
function units(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "systemctl " : "journalctl -u ";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      // (past flags before the verb and after it, or an opening quote: a timer's unit only, systemctl --user start
      // x.timer, systemctl enable --now x.timer, systemctl stop "x.timer"; a service's there is left as it was)
      let timerOnly = false;
      if (w === 0) {
        const f = a;
        a = unitFlags(s, a, n);
        const g = a;
        let v = a;
        while (v < n && v - a < 12 && (cls(byteAt(s, v)) & ch.C_LOWER) !== 0) v++;
        if (v < n && byteAt(s, v) === 45) while (v < n && v - a < 12 && byteAt(s, v) !== SPACE) v++;
        a = SYSTEMCTL_VERBS[sub(s, a, v)] === true && v < n && byteAt(s, v) === SPACE ? unitFlags(s, v + 1, n) : -1;
        if (a >= 0 && a < n && (byteAt(s, a) === 34 || byteAt(s, a) === 39)) a++;
        timerOnly = a >= 0 && (a !== v + 1 || g !== f);
      }
      let e = a;
      if (a >= 0) {
        while (e < n && e - a < 64 && (userUnit(byteAt(s, e)) || byteAt(s, e) === 64)) e++;
        let u = e;
        // (a timer's unit is no word of prose whatever its name: systemctl stop halyard.timer)
        let timer = false;
        if (u - a > 8 && sub(s, u - 8, u) === ".service") u -= 8;
        else if (u - a > 6 && sub(s, u - 6, u) === ".timer") {
          u -= 6;
          timer = true;
        }
        const c = e < n ? byteAt(s, e) : LF;
        // (a unit the company named has a "-", "_", "@", "." or digit: systemctl restart bcove-bridge; a word after
        // the verb is prose, "systemctl stop the agent")
        if (
          u - a >= 3 &&
          (timer || (!timerOnly && ch.runOf(s, a, u, ch.C_LOWER | ch.C_UPPER) < u - a)) &&
          // (or a quote: ssh host 'sudo systemctl stop x.timer')
          (c === SPACE || c === LF || c === 13 || c === 59 || c === 96 || c === 39 || c === 34) &&
          byteAt(s, a) !== 45 &&
          lettered(s, a, u) &&
          SYSTEM_UNITS[sub(s, a, u)] !== true &&
          sub(s, a, a + 8) !== "systemd-"
        )
          count = add(spans, count, a, u);
      }
      p = ch.indexFrom(s, lit, e > p + 1 ? e : p + 1);
    }
  }
  return count;
}

/** Past up to three flags and their blanks at a (--user, --now, --no-block, -q): where the next word starts. */
function unitFlags(s: string, a: number, n: number): number {
  for (
    let f = 0;
    f < 3 &&
    a + 1 < n &&
    byteAt(s, a) === 45 &&
    (byteAt(s, a + 1) === 45 || (cls(byteAt(s, a + 1)) & ch.C_LOWER) !== 0);
    f++
  ) {
    const k = a;
    while (a < n && a - k < 16 && byteAt(s, a) > 32) a++;
    if (a >= n || byteAt(s, a) !== SPACE) return k;
    a++;
  }
  return a;
}

/** True when s[a, e) holds a letter and is no plain word: a digit, "_", "-", "." or a capital after its first unit. */
function markedName(s: string, a: number, e: number): boolean {
  return e - a >= 3 && lettered(s, a, e) && !ch.plainWord(s, a, e);
}

/** A process name s[a, e) worth masking: a letter, no system's or runtime's (SYSTEM_PROCESSES). */
function processName(s: string, a: number, e: number): boolean {
  return e - a >= 3 && lettered(s, a, e) && SYSTEM_PROCESSES[sub(s, a, e)] !== true;
}

/**
 * Socket listings: netstat -p's `<pid>/<program>` after a TCP state (LISTEN, ESTABLISHED ...), ss -p's
 * `users:(("<comm>",pid=`, and lsof's COMMAND and USER cells (a line of a command, a pid and a login under lsof's
 * header `COMMAND PID USER`): the company's services and people's logins; the system's processes and accounts stay.
 */
function sockets(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? " LISTEN " : " ESTABLISHED ";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      while (a < n && a - p < 64 && byteAt(s, a) === SPACE) a++;
      const d = a + ch.runOf(s, a, a + 8 < n ? a + 8 : n, C_DIGIT);
      if (d > a && d + 1 < n && byteAt(s, d) === 47) {
        const e = loginRunEnd(s, d + 1, n, 64);
        const c = e < n ? byteAt(s, e) : LF;
        if ((c === LF || c === SPACE || c === 13 || c === 58) && processName(s, d + 1, e))
          count = add(spans, count, d + 1, e);
      }
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  let p = ch.firstOf(s, 'users:(("');
  while (p >= 0) {
    const a = p + 9;
    const e = loginRunEnd(s, a, n, 64);
    if (sub(s, e, e + 6) === '",pid=' && processName(s, a, e)) count = add(spans, count, a, e);
    p = ch.indexFrom(s, 'users:(("', e > a ? e : a);
  }
  p = ch.firstOf(s, "COMMAND ");
  while (p >= 0) {
    // lsof's header opens its line: COMMAND, PID and USER in this order, blanks between
    let e = s.indexOf("\n", p);
    if (e < 0) e = n;
    const header = (p === 0 || byteAt(s, p - 1) === LF) && sub(s, p, e < p + 64 ? e : p + 64).indexOf(" PID ") > 0;
    const user = header ? sub(s, p, e < p + 64 ? e : p + 64).indexOf(" USER ") : -1;
    for (let rows = 0; user > 0 && e + 1 < n && rows < 4096; rows++) {
      const ls = e + 1;
      const ce = loginRunEnd(s, ls, n, 32);
      let q = ce;
      while (q < n && q - ce < 16 && byteAt(s, q) === SPACE) q++;
      const pe = q + ch.runOf(s, q, q + 10 < n ? q + 10 : n, C_DIGIT);
      let u = pe;
      while (u < n && u - pe < 16 && byteAt(s, u) === SPACE) u++;
      const ue = userEnd(s, u, n);
      // (a row: command, pid, user and a blank; anything else ends the table)
      if (ce === ls || q === ce || pe === q || u === pe || ue === u || ue >= n || byteAt(s, ue) !== SPACE) break;
      if (processName(s, ls, ce)) count = add(spans, count, ls, ce);
      if (personLogin(s, u, ue)) count = add(spans, count, u, ue);
      e = s.indexOf("\n", ue);
      if (e < 0) e = n;
    }
    p = ch.indexFrom(s, "COMMAND ", e > p + 8 ? e : p + 8);
  }
  return count;
}

/**
 * strongSwan's connections as `ipsec statusall` prefixes its SAs: <conn>[N]: ESTABLISHED ..., <conn>{N}:  INSTALLED.
 */
function vpnNames(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "]: ESTABLISHED" : "}:  INSTALLED";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let d = p;
      while (d > 0 && p - d < 8 && (cls(byteAt(s, d - 1)) & C_DIGIT) !== 0) d--;
      if (d < p && d > 1 && byteAt(s, d - 1) === (w === 0 ? 91 : 123)) {
        const e = d - 1;
        let a = e;
        while (a > 0 && e - a < 64 && userUnit(byteAt(s, a - 1))) a--;
        if (e - a >= 2 && lettered(s, a, e) && !templateName(s, a, e)) count = add(spans, count, a, e);
      }
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  return count;
}

// MongoDB's (and DocumentDB's) own databases: kept
const MONGO_DATABASES = setOf("admin local config $external test");

/**
 * Database names of tools' output: MongoDB's and DocumentDB's, a namespace's (the profiler's and the audit log's
 * "ns":"<db>.<coll>", the database and the collection), a command's "$db", a role's db: '<db>' (mongosh's users and
 * roles); MongoDB's own databases, system collections and one plain word (markedName) stay. DMS's tables (table
 * '<schema>'.'<table>'), MySQL's replication filters (Replicate_Do_DB).
 */
function databaseNames(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? '"ns":"' : w === 1 ? '"$db":"' : "db: '";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      const e = loginRunEnd(s, a, n, 120);
      const close = w === 2 ? 39 : 34;
      if (e < n && byteAt(s, e) === close && e - a >= 2) {
        let d = a;
        while (d < e && byteAt(s, d) !== 46) d++;
        // (not one plain word: learned, listings or orders would be masked all over the request)
        if (MONGO_DATABASES[sub(s, a, d)] !== true && markedName(s, a, d)) count = add(spans, count, a, d);
        if (w === 0 && d + 1 < e && sub(s, d + 1, d + 8) !== "system." && markedName(s, d + 1, e))
          count = add(spans, count, d + 1, e);
      }
      p = ch.indexFrom(s, lit, e > a ? e : a);
    }
  }
  // DMS's task log: table '<schema>'.'<table>' and table '<SCHEMA>.<TABLE>' (each part a name but one plain word)
  let t = ch.firstOf(s, "table '");
  while (t >= 0) {
    let a = t + 7;
    for (let part = 0; part < 2 && a < n; part++) {
      const e = loginRunEnd(s, a, n, 128);
      let d = a;
      while (d < e && byteAt(s, d) !== 46) d++;
      if (markedName(s, a, d)) count = add(spans, count, a, d);
      if (d + 1 < e && markedName(s, d + 1, e)) count = add(spans, count, d + 1, e);
      // ('<schema>'.'<table>': the second part after "'.'")
      if (e + 3 < n && byteAt(s, e) === 39 && byteAt(s, e + 1) === 46 && byteAt(s, e + 2) === 39) a = e + 3;
      else {
        a = e;
        break;
      }
    }
    t = ch.indexFrom(s, "table '", a > t + 7 ? a : t + 7);
  }
  // MySQL's SHOW REPLICA STATUS (\G): Replicate_Do_DB: <db>,<db> and Replicate_Ignore_DB's list
  let p = ch.firstOf(s, "_DB: ");
  while (p >= 0) {
    let a = p + 5;
    const replicate = p >= 14 && sub(s, p - 14, p).indexOf("Replicate_") >= 0;
    for (let items = 0; replicate && items < 64 && a < n; items++) {
      const e = loginRunEnd(s, a, n, 64);
      if (markedName(s, a, e)) count = add(spans, count, a, e);
      if (e >= n || byteAt(s, e) !== 44) {
        a = e;
        break;
      }
      a = e + 1;
    }
    p = ch.indexFrom(s, "_DB: ", a > p + 5 ? a : p + 5);
  }
  return count;
}

/**
 * Hosts named by a tool's label: ipconfig /all's `Host Name . . . : <host>`, mtr's report header `HOST: <host>  Loss%`.
 */
function labelledHosts(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "Host Name . ");
  while (p >= 0) {
    let a = p + 10;
    while (a < n && a - p < 64 && (byteAt(s, a) === 46 || byteAt(s, a) === SPACE)) a++;
    if (a + 1 < n && byteAt(s, a) === 58 && byteAt(s, a + 1) === SPACE) {
      a += 2;
      const e = hostRunEnd(s, a, n, 253);
      if (hostName(s, a, e)) count = add(spans, count, a, e);
    }
    p = ch.indexFrom(s, "Host Name . ", a > p + 10 ? a : p + 10);
  }
  p = ch.firstOf(s, "HOST: ");
  while (p >= 0) {
    const a = p + 6;
    const e = hostRunEnd(s, a, n, 253);
    let k = e;
    while (k < n && k - e < 64 && byteAt(s, k) === SPACE) k++;
    if (k > e && sub(s, k, k + 5) === "Loss%" && hostName(s, a, e)) count = add(spans, count, a, e);
    p = ch.indexFrom(s, "HOST: ", e > a ? e : a);
  }
  // EC2Launch's and EC2Config's rename (Setting hostname to BCVSQLPRD01)
  p = ch.firstOf(s, "hostname to ");
  while (p >= 0) {
    const a = p + 12;
    let e = hostRunEnd(s, a, n, 253);
    const next = e < n ? byteAt(s, e) : SPACE;
    while (e > a && byteAt(s, e - 1) === 46) e--;
    // (a host's shape, not prose's word: "the hostname to reflect")
    if (next !== 95 && !ch.plainWord(s, a, e) && (hostName(s, a, e) || windowsDcName(s, a, e)))
      count = add(spans, count, a, e);
    p = ch.indexFrom(s, "hostname to ", e > a ? e : a);
  }
  // a UNC path's host and share: \\HVRPT02\Exports$, net use's \\fs-0123....corp.example.com\HomeDirs, %LOGONSERVER%'s
  // \\IP-0A2A0076 (a domain's host is matched on its own); a share or, under Windows' own shares and FSx's default
  // (share), the first folder when it is no plain word (\\host\share\HarborviewDocs); also with escaped backslashes
  p = ch.firstOf(s, "\\\\");
  while (p >= 0) {
    let a = p + 2;
    while (a < n && a - p < 4 && byteAt(s, a) === 92) a++;
    const step = a - p === 4 ? 2 : 1;
    const e = hostRunEnd(s, a, n, 253);
    // (two backslashes or four, escaped, opening a word: C:\\Program Files and mod\\u1011 are a string's escapes; a
    // host that goes on with "_" is a word's, a pseudonym's)
    const before = p > 0 ? byteAt(s, p - 1) : SPACE;
    if (
      (cls(before) & C_ALNUM) === 0 &&
      before !== 92 &&
      before !== 58 &&
      a - p !== 3 &&
      (e >= n || byteAt(s, e) !== 95) &&
      !escapeAt(s, a, e) &&
      // (a JSON string's path of single backslashes, "\\Device\\HarddiskVolume3\\...": escaped as the opening one is)
      !(step === 1 && e + 1 < n && byteAt(s, e) === 92 && byteAt(s, e + 1) === 92) &&
      (hostName(s, a, e) || windowsDcName(s, a, e))
    ) {
      count = add(spans, count, a, e);
      let q = e;
      for (
        let segment = 0;
        segment < 2 && q + step < n && byteAt(s, q) === 92 && byteAt(s, q + step - 1) === 92;
        segment++
      ) {
        const b = q + step;
        let f = b;
        while (f < n && f - b < 80 && (userUnit(byteAt(s, f)) || byteAt(s, f) === 36)) f++;
        if (f === b || (f < n && byteAt(s, f) === 46 && segment > 0)) break;
        const own = WINDOWS_SHARES[sub(s, b, f).toLowerCase()] === true;
        if (!own && !ch.plainWord(s, b, f)) {
          count = add(spans, count, b, f);
          break;
        }
        if (!own) break;
        q = f;
      }
    }
    p = ch.indexFrom(s, "\\\\", e > p + 2 ? e : p + 2);
  }
  return count;
}

/** True when s[a, e) opens with a string's escape after an escaped backslash (\\x7F, \\u1011): no host. */
function escapeAt(s: string, a: number, e: number): boolean {
  const c = byteAt(s, a);
  const digits = c === 120 ? 2 : c === 117 ? 4 : 0;
  if (digits === 0 || a + digits >= e) return false;
  for (let k = a + 1; k <= a + digits; k++) if (!ch.isHexDigit(byteAt(s, k))) return false;
  return true;
}

// Windows' administrative and domain shares, FSx for Windows' default share: kept
const WINDOWS_SHARES = setOf("c$ d$ e$ admin$ ipc$ print$ sysvol netlogon share");

/** An AWS Managed Microsoft AD domain controller's name, IP-<the address in 8 hex digits> (IP-0A2A0076). */
function windowsDcName(s: string, a: number, e: number): boolean {
  if (e - a !== 11 || byteAt(s, a) !== 73 || byteAt(s, a + 1) !== 80 || byteAt(s, a + 2) !== 45) return false;
  for (let k = a + 3; k < e; k++) if (!ch.isHexDigit(byteAt(s, k))) return false;
  return true;
}

/**
 * A person's login in a home directory's path: /home/<login>/, /Users/<login>/ (macOS), C:\Users\<login> (Windows'
 * prompts and paths, also with escaped backslashes); placeholders stay. A login of letters alone gets plain's kind
 * (contacts.ts's HOST_LOGIN, not learned: a README's /home/webpack/ would make webpack a name all over the request),
 * one with a digit, ".", "_" or "-" (rkapoor2, okafor.adaeze) the kind its sshd and sudo lines give it (learned).
 */
export function homeLogins(
  s: string,
  n: number,
  spans: number[],
  count: number,
  plain: number,
  marked: number,
): number {
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? "/home/" : w === 1 ? "/Users/" : "\\Users\\";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      if (w === 2 && a < n && byteAt(s, a) === 92) a++;
      // (a URL's path is no home: okta.com/home/amazon_aws/<app>; nor /var/home/x. The search goes on past it)
      const before = p > 0 ? byteAt(s, p - 1) : SPACE;
      const url = w < 2 && ((cls(before) & C_ALNUM) !== 0 || before === 46 || before === 45);
      const e = userEnd(s, a, n);
      const c = e < n ? byteAt(s, e) : LF;
      const ends = c === 47 || c === 92 || c === SPACE || c === LF || c === 13 || c === 34 || c === 39 || c === 62;
      if (!url && ends && personLogin(s, a, e) && HOME_PLACEHOLDERS[sub(s, a, e).toLowerCase()] !== true) {
        SPAN_KIND.kind = ch.runOf(s, a, e, ch.C_LOWER | ch.C_UPPER) === e - a ? plain : marked;
        count = add(spans, count, a, e);
      }
      p = ch.indexFrom(s, lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  return count;
}

/**
 * The lines `kafka-topics.sh --list`, `kafka-consumer-groups.sh --list` and `eb list` (its current environment
 * starred) print; AWS Copilot's application and service flags (copilot svc logs -a <app> -n <service>); ECS's
 * deployment and task set ids (ecs-svc/<digits>).
 */
function toolNames(s: string, n: number, spans: number[], count: number): number {
  let q = ch.firstOf(s, "ecs-svc/");
  while (q >= 0) {
    const d = q + 8 + ch.runOf(s, q + 8, q + 29 < n ? q + 29 : n, C_DIGIT);
    if (d - q - 8 >= 12 && (d >= n || (cls(byteAt(s, d)) & C_ALNUM) === 0)) count = add(spans, count, q + 8, d);
    q = ch.indexFrom(s, "ecs-svc/", d);
  }
  q = ch.firstOf(s, "eb list");
  while (q >= 0) {
    let e = q + 7;
    // (the command: "eb" a word of its own, not web list's)
    const command = q === 0 || byteAt(s, q - 1) === SPACE || byteAt(s, q - 1) === LF;
    for (let lines = 0; command && e < n && (byteAt(s, e) === LF || byteAt(s, e) === 13) && lines < 256; lines++) {
      let a = e + 1;
      if (a < n && byteAt(s, a) === LF) a++;
      if (a + 2 < n && (byteAt(s, a) === 42 || byteAt(s, a) === SPACE) && byteAt(s, a + 1) === SPACE) a += 2;
      const b = loginRunEnd(s, a, n, 40);
      const c = b < n ? byteAt(s, b) : LF;
      if (b - a < 4 || (c !== LF && c !== 13) || !lettered(s, a, b) || byteAt(s, a) === 45) break;
      count = add(spans, count, a, b);
      e = b;
    }
    q = ch.indexFrom(s, "eb list", e);
  }
  q = ch.firstOf(s, "copilot ");
  while (q >= 0) {
    let le = q;
    while (le < n && le - q < 512 && byteAt(s, le) !== LF) le++;
    let f = q + 8;
    while (f < le) {
      // a flag's value: -a, --app, -n, --name (a blank after the flag, no "-" to start the value)
      const c = byteAt(s, f);
      const short = c === 45 && f + 2 < le && byteAt(s, f + 2) === SPACE && byteAt(s, f - 1) === SPACE;
      const flag = short && (byteAt(s, f + 1) === 97 || byteAt(s, f + 1) === 110) ? 3 : 0;
      const long =
        c === 45 && byteAt(s, f + 1) === 45
          ? sub(s, f, f + 6) === "--app "
            ? 6
            : sub(s, f, f + 7) === "--name "
              ? 7
              : 0
          : 0;
      const k = flag > 0 ? flag : long;
      if (k > 0) {
        const a = f + k;
        const b = loginRunEnd(s, a, le, 64);
        // (a service's or an environment's name of letters alone, -n production, is a word as often)
        const app = k === 6 || byteAt(s, f + 1) === 97;
        if (b - a >= 2 && byteAt(s, a) !== 45 && (app ? lettered(s, a, b) : markedName(s, a, b)))
          count = add(spans, count, a, b);
        f = b > a ? b : a;
      } else f++;
    }
    q = ch.indexFrom(s, "copilot ", le > q + 8 ? le : q + 8);
  }
  let p = ch.firstOf(s, " --list");
  while (p >= 0) {
    // (each line once: the next search starts past it)
    let e = s.indexOf("\n", p);
    if (e < 0) e = n;
    let ls = p;
    while (ls > 0 && p - ls < 512 && byteAt(s, ls - 1) !== LF) ls--;
    const line = sub(s, ls, p);
    if (e < n && (line.indexOf("kafka-topics") >= 0 || line.indexOf("kafka-consumer-groups") >= 0)) {
      // each line under it one name, to a blank line, a prompt or a line of words
      for (let lines = 0; e >= 0 && e + 1 < n && lines < 4096; lines++) {
        const a = e + 1;
        const b = loginRunEnd(s, a, n, 249);
        const c = b < n ? byteAt(s, b) : LF;
        if (b === a || (c !== LF && c !== 13)) break;
        const t = sub(s, a, b);
        if (lettered(s, a, b) && t.indexOf("__") !== 0 && t !== "_schemas" && t.indexOf("amazon.msk.canary") !== 0)
          count = add(spans, count, a, b);
        e = s.indexOf("\n", b);
      }
      if (e < 0) e = n;
    }
    p = ch.indexFrom(s, " --list", e);
  }
  return count;
}

/** The token of login units ending at e that opens its line (after blanks and "%", sudoers' group), or -1. */
function lineOpeningToken(s: string, e: number): number {
  let a = e;
  while (a > 0 && e - a < 32 && userUnit(byteAt(s, a - 1))) a--;
  let k = a;
  if (k > 0 && byteAt(s, k - 1) === 37) k--;
  while (k > 0 && a - k < 16 && (byteAt(s, k - 1) === SPACE || byteAt(s, k - 1) === 9)) k--;
  return a < e && (k === 0 || byteAt(s, k - 1) === LF) ? a : -1;
}

/**
 * Accounts and servers of system files and tools: a passwd(5) line's person (a uid of 1000-59999) and full name,
 * `last`'s and `who`'s users (a line opening with a user before its terminal, pts/N or ttyN), a sudoers rule's user
 * or %group (before ALL=(), HAProxy's servers and backends (a config's `server <name> <address>`, its log's
 * `Server <backend>/<server> is`), Spark's `The table or view `a`.`b`.`c` cannot be found` (its catalog's own stay).
 */
function systemNames(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, ":x:");
  while (p >= 0) {
    const a = lineOpeningToken(s, p);
    let q = p + 3;
    const uid = q;
    while (q < n && q - uid < 6 && (cls(byteAt(s, q)) & C_DIGIT) !== 0) q++;
    const id = q > uid ? Number(sub(s, uid, q)) : 0;
    if (a >= 0 && id >= 1000 && id < 60000 && byteAt(s, q) === 58 && personLogin(s, a, p)) {
      count = add(spans, count, a, p);
      // the gid, then the full name (GECOS: to its "," or ":")
      q++;
      while (q < n && q - uid < 16 && (cls(byteAt(s, q)) & C_DIGIT) !== 0) q++;
      if (q < n && byteAt(s, q) === 58) {
        const g = q + 1;
        let e = g;
        while (e < n && e - g < 64 && byteAt(s, e) !== 58 && byteAt(s, e) !== 44 && byteAt(s, e) !== LF) e++;
        if (e - g >= 2 && lettered(s, g, e)) count = add(spans, count, g, e);
      }
    }
    p = ch.indexFrom(s, ":x:", q > p + 3 ? q : p + 3);
  }
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? " pts/" : w === 1 ? " tty" : " ALL=(";
    p = ch.firstOf(s, lit);
    while (p >= 0) {
      let e = p;
      while (e > 0 && p - e < 24 && byteAt(s, e - 1) === SPACE) e--;
      const a = lineOpeningToken(s, e);
      // (a terminal's number follows pts/ and tty: ttyS0, pts/1; sudoers' rule is its own proof)
      const t = p + lit.length;
      const terminal = w === 2 || (t < n && ((cls(byteAt(s, t)) & C_DIGIT) !== 0 || byteAt(s, t) === 83));
      if (terminal && a >= 0 && (personLogin(s, a, e) || (a > 0 && byteAt(s, a - 1) === 37 && e - a >= 3)))
        count = add(spans, count, a, e);
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  p = ch.firstOf(s, "server ");
  while (p >= 0) {
    const a = p + 7;
    const e = loginRunEnd(s, a, n, 64);
    // (a config line's: indented "server", its name, then an address or a host and a port)
    let k = p;
    while (k > 0 && p - k < 16 && (byteAt(s, k - 1) === SPACE || byteAt(s, k - 1) === 9)) k--;
    if (
      k < p &&
      (k === 0 || byteAt(s, k - 1) === LF) &&
      e < n &&
      byteAt(s, e) === SPACE &&
      e - a >= 2 &&
      lettered(s, a, e)
    ) {
      const q = hostRunEnd(s, e + 1, n, 127);
      if (q < n && byteAt(s, q) === 58 && q > e + 1) count = add(spans, count, a, e);
    }
    p = ch.indexFrom(s, "server ", e > p + 7 ? e : p + 7);
  }
  p = ch.firstOf(s, "Server ");
  while (p >= 0) {
    const a = p + 7;
    const e = loginRunEnd(s, a, n, 64);
    const b = e + 1;
    const f = e < n && byteAt(s, e) === 47 ? loginRunEnd(s, b, n, 64) : b;
    if (f > b && sub(s, f, f + 4) === " is " && lettered(s, a, e) && lettered(s, b, f)) {
      count = add(spans, count, a, e);
      count = add(spans, count, b, f);
    }
    p = ch.indexFrom(s, "Server ", f > p + 7 ? f : p + 7);
  }
  p = ch.firstOf(s, "The table or view `");
  while (p >= 0) {
    let q = p + 18;
    for (let part = 0; part < 4 && q < n && byteAt(s, q) === 96; part++) {
      const a = q + 1;
      let e = a;
      while (e < n && e - a < 128 && byteAt(s, e) !== 96 && byteAt(s, e) !== LF) e++;
      if (e >= n || byteAt(s, e) !== 96) break;
      if (e - a >= 2 && CATALOGS[sub(s, a, e).toLowerCase()] !== true) count = add(spans, count, a, e);
      q = e + 1;
      if (q < n && byteAt(s, q) === 46) q++;
    }
    p = ch.indexFrom(s, "The table or view `", q > p + 18 ? q : p + 18);
  }
  return count;
}

/**
 * Adds s[a, e) as a name unless it is one plain word (ch.plainWord: learned, it would be masked in prose too) or a
 * stop word (names.ts STOPLIST: Airflow's default connections, aws_default).
 */
function addName(s: string, spans: number[], count: number, a: number, e: number): number {
  return e - a >= 2 && !ch.plainWord(s, a, e) && !stopWord(s, a, e) ? add(spans, count, a, e) : count;
}

/** Adds both parts of s[a, e) split at its first "." (<dag>.<task>, <schema>.<model>), each as addName does. */
function addDottedPair(s: string, spans: number[], count: number, a: number, e: number): number {
  let dot = a;
  while (dot < e && byteAt(s, dot) !== 46) dot++;
  if (dot === a || dot + 1 >= e) return count;
  count = addName(s, spans, count, a, dot);
  return addName(s, spans, count, dot + 1, e);
}

/**
 * Data platforms' own lines: YARN's application, attempt and container ids (application_<the cluster's start, 13
 * digits>_<seq>: it pins one EMR cluster); Airflow's task instances (<TaskInstance: <dag>.<task>
 * <run> [state]>), operators (<Task(PythonOperator): <task>>) and its CLI's arguments (airflow tasks clear -t <task>
 * <dag>, airflow connections add <conn id>); dbt's models (START sql view model <schema>.<model>) and its projects
 * (model.<project>.<model>, the unique ids of dbt.log and run_results.json).
 */
function dataPlatformNames(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? "application_" : w === 1 ? "appattempt_" : "container_";
    let q = ch.firstOf(s, lit);
    while (q >= 0) {
      const a = q + lit.length;
      let t = a;
      // (a container's epoch: container_e17_1715640011823_0042_01_000001)
      if (w === 2 && t < n && byteAt(s, t) === 101) {
        t = t + 1 + ch.runOf(s, t + 1, t + 5 < n ? t + 5 : n, C_DIGIT);
        if (t < n && byteAt(s, t) === 95) t++;
      }
      const d = t + ch.runOf(s, t, t + 14 < n ? t + 14 : n, C_DIGIT);
      let e = d;
      if (d - t === 13 && e < n && byteAt(s, e) === 95) {
        while (e < n && e - d < 24 && ((cls(byteAt(s, e)) & C_DIGIT) !== 0 || byteAt(s, e) === 95)) e++;
        while (e > d && byteAt(s, e - 1) === 95) e--;
        const before = q > 0 ? byteAt(s, q - 1) : SPACE;
        if (e - d >= 5 && (cls(before) & C_ALNUM) === 0 && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0))
          count = add(spans, count, q, e);
      }
      q = ch.indexFrom(s, lit, e > a ? e : a);
    }
  }
  let p = ch.firstOf(s, "<TaskInstance: ");
  while (p >= 0) {
    const a = p + 15;
    const e = loginRunEnd(s, a, n, 500);
    count = addDottedPair(s, spans, count, a, e);
    p = ch.indexFrom(s, "<TaskInstance: ", e > a ? e : a);
  }
  p = ch.firstOf(s, "Operator): ");
  while (p >= 0) {
    const a = p + 11;
    const e = loginRunEnd(s, a, n, 250);
    if (e < n && byteAt(s, e) === 62) count = addName(s, spans, count, a, e);
    p = ch.indexFrom(s, "Operator): ", e > a ? e : a);
  }
  p = ch.firstOf(s, "airflow ");
  while (p >= 0) {
    // airflow <tasks|dags|connections|variables> <verb> [flags] <ids>: up to two ids, and -t's task
    let k = p + 8;
    const g = loginRunEnd(s, k, n, 16);
    const group = sub(s, k, g);
    let e = g;
    if (
      (p === 0 || byteAt(s, p - 1) === SPACE || byteAt(s, p - 1) === LF || byteAt(s, p - 1) === 36) &&
      (group === "tasks" || group === "dags" || group === "connections" || group === "variables") &&
      g < n &&
      byteAt(s, g) === SPACE
    ) {
      k = loginRunEnd(s, g + 1, n, 16);
      let ids = 0;
      for (let words = 0; words < 6 && ids < 2 && k + 1 < n && byteAt(s, k) === SPACE; words++) {
        const a = k + 1;
        if (byteAt(s, a) === 45) {
          // a flag; -t (--task-regex) names a task
          const f = loginRunEnd(s, a, n, 32);
          const task = (f === a + 2 && byteAt(s, a + 1) === 116) || sub(s, a, f) === "--task-regex";
          k = f;
          if (task && k + 1 < n && byteAt(s, k) === SPACE) {
            const v = loginRunEnd(s, k + 1, n, 250);
            count = addName(s, spans, count, k + 1, v);
            k = v;
          } else if (!task && sub(s, a, f) === "--conn-type") {
            break;
          }
          continue;
        }
        const v = loginRunEnd(s, a, n, 250);
        if (v === a) break;
        // (an id opens with a letter: a flag's date, -s 2024-01-01, is none)
        if ((cls(byteAt(s, a)) & (ch.C_LOWER | ch.C_UPPER)) !== 0) {
          count = addName(s, spans, count, a, v);
          ids++;
        }
        k = v;
      }
      e = k;
    }
    p = ch.indexFrom(s, "airflow ", e > p + 8 ? e : p + 8);
  }
  // dbt: "START sql view model <schema>.<model>", "OK created sql table model <schema>.<model>"
  p = ch.firstOf(s, " model ");
  while (p >= 0) {
    const a = p + 7;
    const e = loginRunEnd(s, a, n, 250);
    const sql =
      p >= 4 && (sub(s, p - 4, p) === "view" || sub(s, p - 5, p) === "table" || sub(s, p - 11, p) === "incremental");
    if (sql) count = addDottedPair(s, spans, count, a, e);
    p = ch.indexFrom(s, " model ", e > a ? e : a);
  }
  // dbt's unique ids: model.<project>.<model>: the project, quoted (run_results.json's unique_id), after dbt.log's
  // "On ", or in a text that names dbt (code's model.lm_head, model._meta are attributes)
  const dbt = ch.firstOf(s, "dbt") >= 0;
  p = ch.firstOf(s, "model.");
  while (p >= 0) {
    const a = p + 6;
    let e = a;
    while (e < n && e - a < 128 && ((cls(byteAt(s, e)) & (ch.C_LOWER | C_DIGIT)) !== 0 || byteAt(s, e) === 95)) e++;
    const before = p > 0 ? byteAt(s, p - 1) : SPACE;
    const said = dbt || before === 34 || (p >= 3 && ch.matchesAt(s, p - 3, p, "On "));
    if (said && e < n && byteAt(s, e) === 46 && (cls(before) & C_ALNUM) === 0 && before !== 46 && byteAt(s, a) !== 95)
      count = addName(s, spans, count, a, e);
    p = ch.indexFrom(s, "model.", e > a ? e : a);
  }
  return count;
}

/**
 * Slurm's squeue table (a ParallelCluster head node's): under its header, JOBID PARTITION NAME USER ST TIME ..., the
 * cells of NAME (a job's name) and USER (a person's login), each right-aligned under its title as squeue's default
 * %.<width> formats print them, up to a blank line or a row that opens with no job id.
 */
function slurmQueue(s: string, n: number, spans: number[], count: number): number {
  let q = ch.firstOf(s, "JOBID ");
  while (q >= 0) {
    let ls = q;
    while (ls > 0 && q - ls < 64 && byteAt(s, ls - 1) === SPACE) ls--;
    let le = s.indexOf("\n", q);
    if (le < 0) le = n;
    let next = le;
    // the titles' ends, as offsets from the line's start: NAME's and USER's, and the title's before each
    let nameEnd = -1;
    let nameFrom = -1;
    let userEnd = -1;
    let userFrom = -1;
    let prev = -1;
    let partition = false;
    let k = q;
    for (let titles = 0; titles < 32 && k < le && le - q < 512 && (ls === 0 || byteAt(s, ls - 1) === LF); titles++) {
      while (k < le && byteAt(s, k) === SPACE) k++;
      const a = k;
      while (k < le && byteAt(s, k) > SPACE) k++;
      if (k === a) break;
      const w = sub(s, a, k);
      if (w === "PARTITION") partition = true;
      else if (w === "NAME") {
        nameFrom = prev;
        nameEnd = k - ls;
      } else if (w === "USER") {
        userFrom = prev;
        userEnd = k - ls;
      }
      prev = k - ls;
    }
    for (let rows = 0; partition && userEnd > 0 && rows < 4096 && next < n; rows++) {
      const r = next + 1;
      let re = s.indexOf("\n", r);
      if (re < 0) re = n;
      let f = r;
      while (f < re && byteAt(s, f) === SPACE) f++;
      if (f >= re || (cls(byteAt(s, f)) & C_DIGIT) === 0) break;
      for (let c = 0; c < 2; c++) {
        const from = c === 0 ? userFrom : nameFrom;
        const to = c === 0 ? userEnd : nameEnd;
        // (the cell's token is the one under the title's last unit, whole: a long name pushes its row's cells on)
        if (from < 0 || r + to > re || byteAt(s, r + to - 1) === SPACE) continue;
        let a = r + to - 1;
        while (a > r && r + to - a < 64 && byteAt(s, a - 1) !== SPACE) a--;
        let b = r + to;
        while (b < re && b - r - to < 64 && byteAt(s, b) > SPACE) b++;
        if (a === r || byteAt(s, a - 1) !== SPACE) continue;
        if (c === 0 && personLogin(s, a, b) && !stopWord(s, a, b)) count = add(spans, count, a, b);
        else if (c === 1 && !jobShellName(s, a, b)) count = addName(s, spans, count, a, b);
      }
      next = re;
    }
    q = ch.indexFrom(s, "JOBID ", next > q + 6 ? next : q + 6);
  }
  return count;
}

// GitHub's organisations of public modules, providers, SDKs and controllers (the Terraform Registry's, AWS's, the
// clouds' and Kubernetes'; GitLab's own): a module source under one stays, Claude knows it by name
const PUBLIC_ORGS = setOf(
  "terraform-aws-modules cloudposse hashicorp gruntwork-io aws-ia aws-samples awslabs aws aws-observability " +
    "terraform-google-modules azure terraform-providers terraform-ibm-modules oracle-terraform-modules " +
    "googlecloudplatform google microsoft aws-actions aws-solutions aws-quickstart aws-cloudformation aws-amplify " +
    "aws-powertools philips-labs dnxlabs clouddrove squareops masterpointio trussworks lgallard mineiros-io " +
    "umotif-public terraform-module bridgecrewio antonbabenko kubernetes kubernetes-sigs helm bitnami jetstack " +
    "argoproj fluxcd open-telemetry datadog newrelic grafana elastic gitlab-org github actions",
);

/** A unit of a code host's organisation or repository: letters, digits, ".", "_", "-". */
function repoUnit(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 46 || c === 95 || c === 45;
}

/**
 * `<org>/<repo>` at a on a code host (its path, after "github.com/"; GitLab's `<group>/<subgroup>/<repo>`, up to four
 * segments): the span of all, without ".git", into spans, when it ends there (a blank, a quote, "//" or "?", "|", ")"
 * or the line's end) and the organisation is no public one's. (One span for the whole path: masking a group alone
 * would leave `<pseudonym>/<repo>` for the next pass to read.)
 */
function repoPath(s: string, a: number, n: number, spans: number[], count: number): number {
  let k = a;
  while (k < n && k - a < 40 && repoUnit(byteAt(s, k))) k++;
  const slash = k;
  if (slash - a < 2 || slash + 1 >= n || byteAt(s, slash) !== 47) return count;
  let seg = slash;
  for (let segs = 0; segs < 4; segs++) {
    k = seg + 1;
    while (k < n && k - seg < 101 && repoUnit(byteAt(s, k))) k++;
    if (segs === 2 || k + 1 >= n || byteAt(s, k) !== 47 || !repoUnit(byteAt(s, k + 1))) break;
    seg = k;
  }
  let e = k;
  if (e < n && byteAt(s, e) !== SPACE && byteAt(s, e) !== LF && byteAt(s, e) !== 13) {
    const c = byteAt(s, e);
    if (c !== 34 && c !== 39 && c !== 47 && c !== 63 && c !== 124 && c !== 41 && c !== 9) return count;
    // (a "/" ends it only as "//", a module's directory)
    if (c === 47 && (e + 1 >= n || byteAt(s, e + 1) !== 47)) return count;
  }
  while (e > slash + 1 && byteAt(s, e - 1) === 46) e--;
  if (e - slash > 5 && sub(s, e - 4, e) === ".git") e -= 4;
  if (e - slash < 3 || PUBLIC_ORGS[sub(s, a, slash).toLowerCase()] === true) return count;
  return add(spans, count, a, e);
}

/**
 * A private module's or repository's `<org>/<repo>` on GitHub, GitLab or Bitbucket (fiftieth pass): in a Terraform or
 * Terragrunt module source, `git::https://github.com/<org>/<repo>.git//<dir>?ref=`, `git::ssh://git@github.com/...`
 * and `git::git@github.com:<org>/<repo>` (Terragrunt's "Downloading Terraform configurations from git::..." too), and
 * Terraform's GitHub shorthands, `source = "github.com/<org>/<repo>"` and `source = "git@github.com:<org>/<repo>"`; a
 * Q Developer customization's data source in its table's cell, `| GitHub: <org>/<repo> |`. The public modules'
 * organisations stay (PUBLIC_ORGS), and so do registry addresses (`terraform-aws-modules/vpc/aws`).
 */
function moduleSources(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "git::");
  while (p >= 0) {
    let k = p + 5;
    if (ch.matchesAt(s, k, n, "https://")) k += 8;
    else if (ch.matchesAt(s, k, n, "ssh://")) k += 6;
    // (ssh's user, also in the scp form git::git@github.com:<org>/<repo>)
    if (ch.matchesAt(s, k, n, "git@")) k += 4;
    const host = ch.matchesAt(s, k, n, "github.com") || ch.matchesAt(s, k, n, "gitlab.com") ? 10 : 0;
    const h = host > 0 ? host : ch.matchesAt(s, k, n, "bitbucket.org") ? 13 : 0;
    if (h > 0 && k + h < n && (byteAt(s, k + h) === 47 || byteAt(s, k + h) === 58))
      count = repoPath(s, k + h + 1, n, spans, count);
    p = ch.indexFrom(s, "git::", k > p + 5 ? k : p + 5);
  }
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? '"github.com/' : '"git@github.com:';
    p = ch.firstOf(s, lit);
    while (p >= 0) {
      // (after `source =`, aligned as terraform fmt aligns it)
      let b = p;
      while (b > 0 && p - b < 32 && byteAt(s, b - 1) === SPACE) b--;
      if (b > 0 && byteAt(s, b - 1) === 61) {
        b--;
        while (b > 0 && p - b < 48 && byteAt(s, b - 1) === SPACE) b--;
        if (b >= 6 && ch.matchesAt(s, b - 6, b, "source")) count = repoPath(s, p + lit.length, n, spans, count);
      }
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  p = ch.firstOf(s, "GitHub: ");
  while (p >= 0) {
    // (in a table's cell, as the Q console lists a customization's source: in prose it may name any public repository)
    let b = p;
    while (b > 0 && p - b < 16 && byteAt(s, b - 1) === SPACE) b--;
    if (b > 0 && (byteAt(s, b - 1) === 124 || byteAt(s, b - 1) === 9)) count = repoPath(s, p + 8, n, spans, count);
    p = ch.indexFrom(s, "GitHub: ", p + 8);
  }
  return count;
}

/**
 * Whether a Pulumi output's value s[a, e) may name a resource: a lower-case letter in it (STANDARD_IA, ACTIVE and
 * numbers are AWS's values), not a region or an availability zone (us-east-1a), not a word and its version alone
 * (nodejs18, arm64, t3, gp3), not an enum of ENUM_WORDS. Learned, any of these would stand in for AWS's value everywhere.
 */
function outputName(s: string, a: number, e: number): boolean {
  let lower = 0;
  for (let k = a; k < e; k++) if ((cls(byteAt(s, k)) & ch.C_LOWER) !== 0) lower++;
  if (lower === 0 || regionName(s, a, e) || ENUM_WORDS[sub(s, a, e).toLowerCase()] === true) return false;
  if (e - a > 1 && (cls(byteAt(s, e - 1)) & ch.C_LOWER) !== 0 && regionName(s, a, e - 1)) return false;
  let k = a;
  while (k < e && (cls(byteAt(s, k)) & ch.C_LOWER) !== 0) k++;
  const letters = k - a;
  while (k < e && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
  return !(k === e && letters > 0 && k > a + letters);
}

/**
 * Pulumi's stack outputs (fiftieth pass), in a text that names Pulumi: `pulumi up`'s `Outputs:` block (`<key> : "<value>"`,
 * the colons aligned; `+`/`-`/`~` before a changed one) and `pulumi stack output`'s table under `OUTPUT  VALUE`
 * (`<key>  <value>`), up to a blank line, 64 rows. Every output is an attribute of a deployed resource: a value of one
 * token of letters, digits, "_" and "-" is a name (addName: not a plain word; outputName: not a region, an enum, a
 * number or a version); an ARN, a host or an address is its own rule's, a secret is printed `[secret]`.
 */
function pulumiOutputs(s: string, n: number, spans: number[], count: number): number {
  if (ch.firstOf(s, "ulumi") < 0) return count;
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "Outputs:\n" : "OUTPUT ";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let r = p + lit.length;
      if (w === 1) {
        // (the table's titles: OUTPUT, blanks, VALUE, the line's end)
        let k = r;
        while (k < n && k - r < 64 && byteAt(s, k) === SPACE) k++;
        r = ch.matchesAt(s, k, n, "VALUE") && (k + 5 >= n || byteAt(s, k + 5) === LF) ? k + 6 : -1;
      }
      for (let rows = 0; rows < 64 && r >= 0 && r < n; rows++) {
        let k = r;
        while (k < n && k - r < 32 && (byteAt(s, k) === SPACE || byteAt(s, k) === 43 || byteAt(s, k) === 45)) k++;
        const ka = k;
        while (k < n && k - ka < 64 && repoUnit(byteAt(s, k))) k++;
        if (k === ka || k === r || (byteAt(s, k) !== SPACE && (w === 1 || byteAt(s, k) !== 58))) break;
        while (k < n && k - ka < 128 && byteAt(s, k) === SPACE) k++;
        if (w === 0) {
          if (k + 1 >= n || byteAt(s, k) !== 58 || byteAt(s, k + 1) !== SPACE) break;
          k += 2;
        }
        const quoted = k < n && byteAt(s, k) === 34;
        const a = quoted ? k + 1 : k;
        let e = a;
        while (e < n && e - a < 128 && repoUnit(byteAt(s, e)) && byteAt(s, e) !== 46) e++;
        const end = quoted && e < n && byteAt(s, e) === 34 ? e + 1 : e;
        if (
          e > a &&
          (end >= n || byteAt(s, end) === LF || byteAt(s, end) === 13) &&
          (w === 1 || quoted) &&
          outputName(s, a, e)
        )
          count = addName(s, spans, count, a, e);
        let le = end;
        while (le < n && le - r < 1024 && byteAt(s, le) !== LF) le++;
        r = le + 1;
      }
      p = ch.indexFrom(s, lit, r > p + lit.length ? r : p + lit.length);
    }
  }
  return count;
}

/**
 * A CDK bootstrap's qualifier in its version parameter's path, `/cdk-bootstrap/<qualifier>/version` (fiftieth pass: a
 * cloud assembly's manifest.json, `bootstrapStackVersionSsmParameter`; the qualifier is 1-10 lower-case letters and
 * digits, CDK's bootstrap template's pattern). The default `hnb659fds` stays (ENUM_WORDS).
 */
function cdkQualifiers(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "/cdk-bootstrap/");
  while (p >= 0) {
    const a = p + 15;
    let e = a;
    while (e < n && e - a < 11 && (cls(byteAt(s, e)) & (ch.C_LOWER | C_DIGIT)) !== 0) e++;
    if (e - a >= 2 && e - a <= 10 && e < n && byteAt(s, e) === 47 && ENUM_WORDS[sub(s, a, e)] !== true)
      count = addName(s, spans, count, a, e);
    p = ch.indexFrom(s, "/cdk-bootstrap/", e > a ? e : a);
  }
  return count;
}

/**
 * cfn-lint's messages quote the template's value a rule rejects (fiftieth pass): `E3031 '<value>' does not match
 * '<pattern>'` (a bucket's or a queue's name against its pattern), after the rule's id (opening the line, or in the
 * pretty and parseable formats after the position). The value is a
 * name when it is one token of letters, digits, ".", "_" and "-" (addName: not a plain word).
 */
function lintValues(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "' does not match '");
  while (p >= 0) {
    let a = p;
    while (a > 0 && p - a < 128 && repoUnit(byteAt(s, a - 1))) a--;
    // (the rule's id before the quote: E, W or I and four digits; at the line's start and a blank before the quote in
    // the default format, "E3031 'x'"; after a position and blanks in the pretty one, "5:7:  E3031  'x'"; between
    // colons in the parseable one, "t.yaml:5:7:5:30:E3031:'x'")
    let q = a - 2;
    if (q >= 0 && byteAt(s, q) === 58) q--;
    else {
      while (q >= 0 && a - q < 8 && byteAt(s, q) === SPACE) q--;
    }
    const r = q - 4;
    const before = r > 0 ? byteAt(s, r - 1) : LF;
    if (
      r >= 0 &&
      q < a - 2 &&
      (before === LF || before === SPACE || before === 58) &&
      byteAt(s, a - 1) === 39 &&
      (byteAt(s, r) === 69 || byteAt(s, r) === 87 || byteAt(s, r) === 73) &&
      ch.runOf(s, r + 1, r + 5, C_DIGIT) === 4
    )
      count = addName(s, spans, count, a, p);
    p = ch.indexFrom(s, "' does not match '", p + 18);
  }
  return count;
}

/**
 * An Organizations backup or tag policy's operator (fiftieth pass): `"<key>": {"@@assign": "<value>"}` sets the key's
 * value; under a key that names a name (`target_backup_vault_name`: a backup vault's) the value is one (addName). The
 * JSON may be escaped once (a policy pasted into a message: `\"@@assign\": \"x\"`); the key is read back over the
 * brace, at most 64 units.
 */
function policyAssigns(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "@@assign");
  while (p >= 0) {
    // the key before: `"<key>": {` (or escaped), read back from the "@@" over its quote and the brace
    let k = p - 1;
    while (k > 0 && p - k < 8 && (byteAt(s, k) === 34 || byteAt(s, k) === 92 || byteAt(s, k) === SPACE)) k--;
    let named = false;
    if (byteAt(s, k) === 123) {
      k--;
      while (k > 0 && p - k < 16 && byteAt(s, k) === SPACE) k--;
      if (byteAt(s, k) === 58) {
        k--;
        while (k > 0 && p - k < 24 && (byteAt(s, k) === 34 || byteAt(s, k) === 92 || byteAt(s, k) === SPACE)) k--;
        named = k >= 4 && byteAt(s, k) === 101 && ch.matchesAt(s, k - 3, k + 1, "name");
      }
    }
    // the value after: `": "<value>"` (or escaped)
    let a = p + 8;
    while (
      a < n &&
      a - p < 20 &&
      (byteAt(s, a) === 34 || byteAt(s, a) === 92 || byteAt(s, a) === SPACE || byteAt(s, a) === 58)
    )
      a++;
    let e = a;
    while (e < n && e - a < 128 && repoUnit(byteAt(s, e))) e++;
    if (named && e > a && byteAt(s, a - 1) === 34 && e < n && (byteAt(s, e) === 34 || byteAt(s, e) === 92))
      count = addName(s, spans, count, a, e);
    p = ch.indexFrom(s, "@@assign", e > p + 8 ? e : p + 8);
  }
  return count;
}

/**
 * Terraform's state lock (fiftieth pass): the `Lock Info:` block of "Error acquiring the state lock" prints the lock's
 * fields one a line (`ID:`, `Path:`, `Operation:`, `Who:`, `Version:`, `Created:`, `Info:`), indented, in the box of
 * Terraform's diagnostics (`│`). With the s3 backend `Path:` is `<bucket>/<key>`: the bucket is a name (the key's path
 * stays; the gcs backend's `gs://<bucket>/...` past its scheme); `Who:` is `<user>@<host>`: the user is a login, the
 * host a name, not a plain word (addName: `laptop`, learned, would stand in for the word everywhere; the login is
 * a person's, as in a shell prompt). Reads the next 8
 * lines; each line's end is searched for (a count of units would differ between Node's and Lua's for `│` and other
 * non-ASCII text), and the next block is searched for after them.
 */
function lockInfo(s: string, n: number, spans: number[], count: number): number {
  let p = ch.firstOf(s, "Lock Info:");
  while (p >= 0) {
    let r = p + 10;
    for (let lines = 0; lines < 8 && r < n; lines++) {
      let le = ch.indexFrom(s, "\n", r);
      if (le < 0) le = n;
      // (past the box's rule and the indent: "│   Path:      ")
      let k = r;
      let w = k;
      // (a CI log's prefix before the rule: GitHub Actions' timestamp, `gh run view --log`'s job and step, tabbed;
      // ASCII up to the rule, so that both runtimes count the same units)
      for (let tries = 0; tries < 2; tries++) {
        while (k < le && (byteAt(s, k) === SPACE || byteAt(s, k) >= 128)) k++;
        w = k;
        while (k < le && k - w < 12 && (cls(byteAt(s, k)) & (ch.C_LOWER | ch.C_UPPER)) !== 0) k++;
        if (lines === 0 || (k > w && byteAt(s, k) === 58)) break;
        k = r;
        while (k < le && k - r < 256 && byteAt(s, k) < 128) k++;
        if (k >= le || k - r >= 256) break;
      }
      if (lines > 0 && (k === w || byteAt(s, k) !== 58)) break;
      let a = k + 1;
      while (a < le && byteAt(s, a) === SPACE) a++;
      let b = a;
      while (b < le && byteAt(s, b) > SPACE) b++;
      if (k - w === 4 && ch.matchesAt(s, w, k, "Path")) {
        // (a bucket's units: gs:// and consul's plain key paths are no bucket's)
        let q = a;
        while (q < b && q - a < 8 && (cls(byteAt(s, q)) & ch.C_LOWER) !== 0) q++;
        if (q > a && ch.matchesAt(s, q, b, "://")) a = q + 3;
        let slash = a;
        while (
          slash < b &&
          ((cls(byteAt(s, slash)) & (ch.C_LOWER | C_DIGIT)) !== 0 || byteAt(s, slash) === 45 || byteAt(s, slash) === 46)
        )
          slash++;
        if (slash < b && byteAt(s, slash) === 47 && slash - a >= 3 && slash - a <= 63)
          count = addName(s, spans, count, a, slash);
      } else if (k - w === 3 && ch.matchesAt(s, w, k, "Who")) {
        let at = a;
        while (at < b && byteAt(s, at) !== 64) at++;
        if (at < b && personLogin(s, a, at)) count = add(spans, count, a, at);
        if (at + 1 < b && hostName(s, at + 1, b)) count = addName(s, spans, count, at + 1, b);
      }
      r = le + 1;
    }
    p = ch.indexFrom(s, "Lock Info:", r > p + 10 ? r : p + 10);
  }
  return count;
}

/**
 * CircleCI's OIDC tokens (fifty-second pass): the issuer is https://oidc.circleci.com/org/<organization id>, and IAM
 * names it in the provider's ARN and in its trust policies' condition keys (oidc.circleci.com/org/<id>:aud, :sub): the
 * organization's UUID is the company's, masked and learned (the aud's value, the sub's org/<id>/project/...).
 */
function circleciOrgs(s: string, n: number, spans: number[], count: number): number {
  const lit = "oidc.circleci.com/org/";
  let p = ch.firstOf(s, lit);
  while (p >= 0) {
    const a = p + lit.length;
    const e = ch.uuidEnd(s, a, n, false);
    if (e > 0) count = add(spans, count, a, e);
    p = ch.indexFrom(s, lit, e > 0 ? e : a);
  }
  return count;
}

/**
 * 1Password's items and vaults (forty-ninth pass): a secret reference `op://<vault>/<item>/<field>` (the field stays),
 * the item of `op item get|edit|delete|share|move <item>` (quoted or a word; past flags, the value of --vault and
 * --account a vault's), and a quoted item named after "1Password" in prose ("in 1Password under "x""). A coded name
 * only (codedName): a vault "Private" or an item "GitHub", learned, would be replaced everywhere.
 */
function vaultItems(s: string, n: number, spans: number[], count: number): number {
  for (let w = 0; w < 3; w++) {
    const lit = w === 0 ? "op://" : w === 1 ? "op item " : "1Password";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let e = p + lit.length;
      const c = p > 0 ? byteAt(s, p - 1) : 32;
      if ((cls(c) & C_ALNUM) === 0 && c !== 45 && c !== 95 && c !== 46) {
        if (w === 0) {
          // the vault, then the item; what follows them is the field
          for (let part = 0; part < 2 && e < n; part++) {
            const a = e;
            while (e < n && e - a < 96 && vaultUnit(byteAt(s, e))) e++;
            if (e >= n || byteAt(s, e) !== 47) break;
            if (codedName(s, a, e)) count = add(spans, count, a, e);
            e++;
          }
        } else if (w === 1) {
          const v = e;
          while (e < n && e - v < 8 && (cls(byteAt(s, e)) & ch.C_LOWER) !== 0) e++;
          const verb = sub(s, v, e);
          if (e < n && byteAt(s, e) === 32 && OP_VERBS[verb] === true) {
            // the words after the verb: flags (--vault's value a vault's), then the item
            for (let words = 0; words < 8 && e < n && byteAt(s, e) === 32; words++) {
              let a = e + 1;
              const q = a < n ? byteAt(s, a) : 10;
              const quoted = q === 34 || q === 39;
              if (quoted) a++;
              let b = quotedEnd(s, a, n, q);
              if (b < 0) break;
              e = quoted ? b + 1 : b;
              if (!quoted && byteAt(s, a) === 45) {
                const flag = sub(s, a, b);
                if (OP_VALUE_FLAGS[flag] === true && e < n && byteAt(s, e) === 32) {
                  // (the flag's value, quoted or a word: its quotes stay, --vault 'bc-network-2'; 1Password's own
                  // sign-in address stays, --account my.1password.com)
                  let fa = e + 1;
                  const fq = fa < n ? byteAt(s, fa) : 10;
                  if (fq === 34 || fq === 39) fa++;
                  const fb = quotedEnd(s, fa, n, fq);
                  if (fb < 0) break;
                  e = fq === 34 || fq === 39 ? fb + 1 : fb;
                  const fe = fq === 34 || fq === 39 ? fb : trimmedEnd(s, fa, fb);
                  if (
                    flag !== "--fields" &&
                    flag !== "--format" &&
                    !ch.matchesAt(s, fa, fe, "my.1password.") &&
                    codedName(s, fa, fe)
                  )
                    count = add(spans, count, fa, fe);
                }
                continue;
              }
              // (a sentence's stop or a command's ";" after the item is no part of it: op item get GitHub.)
              if (!quoted) b = trimmedEnd(s, a, b);
              if (codedName(s, a, b)) count = add(spans, count, a, b);
              break;
            }
          }
        } else {
          // (a "," and up to two words between: under, as, item, entry, called, named; "in 1Password, under 'x'")
          if (e < n && byteAt(s, e) === 44) e++;
          for (let words = 0; words < 3 && e < n && byteAt(s, e) === 32; words++) {
            const v = e + 1;
            let k = v;
            while (k < n && k - v < 8 && (cls(byteAt(s, k)) & ch.C_LOWER) !== 0) k++;
            e = v;
            if (words === 2 || k === v || k >= n || byteAt(s, k) !== 32) break;
            e = k;
          }
          const q = e < n ? byteAt(s, e) : 10;
          if (q === 34 || q === 39) {
            const a = e + 1;
            const b = quotedEnd(s, a, n, q);
            if (b >= 0 && codedName(s, a, b)) count = add(spans, count, a, b);
            e = b >= 0 ? b : a;
          }
        }
      }
      p = ch.indexFrom(s, lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  return count;
}
/**
 * A vault's or an item's name s[a, e) coded by its owner: a letter and a digit, "-", "_" or "." (leeds-fgt-psk-2024);
 * not words, "Private", "GitHub", "AWS Root" (a product's name, learned, would be replaced all over the request).
 */
function codedName(s: string, a: number, e: number): boolean {
  if (e - a < 3 || !lettered(s, a, e)) return false;
  // (a documentation's placeholder: op://vault-name/item-name/field-name)
  if (e - a >= 5 && sub(s, e - 5, e) === "-name") return false;
  for (let k = a; k < e; k++) {
    const c = byteAt(s, k);
    if ((cls(c) & ch.C_DIGIT) !== 0 || c === 45 || c === 95 || (c === 46 && k > a && k < e - 1)) return true;
  }
  return false;
}
/**
 * The end of a word at a (q a blank) or of a quoted text (q its quote, a past it: the closing quote's index, -1 when
 * the line has none), at most 96 units.
 */
function quotedEnd(s: string, a: number, n: number, q: number): number {
  const quoted = q === 34 || q === 39;
  let b = a;
  while (b < n && b - a < 96 && (quoted ? byteAt(s, b) !== q && byteAt(s, b) !== 10 : byteAt(s, b) > 32)) b++;
  return quoted && (b >= n || byteAt(s, b) !== q) ? -1 : b;
}
/** s[a, b) without a sentence's or a command's trailing ".", ",", ";", ":" or ")". */
function trimmedEnd(s: string, a: number, b: number): number {
  while (b > a) {
    const c = byteAt(s, b - 1);
    if (c !== 46 && c !== 44 && c !== 59 && c !== 58 && c !== 41) break;
    b--;
  }
  return b;
}
/**
 * A unit of a secret reference's vault or item: no "/", blank, quote, or what ends a word in a shell; ASCII (a bound
 * in units cuts a name beyond ASCII differently in Node and Lua).
 */
function vaultUnit(c: number): boolean {
  return (
    c > 32 && c < 128 && c !== 47 && c !== 34 && c !== 39 && c !== 96 && c !== 59 && c !== 124 && c !== 41 && c !== 62
  );
}
const OP_VERBS = setOf("get edit delete share move");
const OP_VALUE_FLAGS = setOf("--vault --account --fields --format");

// Spark's and Glue's own catalogs
const CATALOGS = setOf("glue_catalog spark_catalog awsdatacatalog hive_metastore default");

/**
 * The terminal names of s[0, n) into spans ([start, end, kind] triples from index count, each of kind); returns the
 * new count.
 */
export function terminalNames(s: string, n: number, spans: number[], count: number, kind: number): number {
  SPAN_KIND.kind = kind;
  count = atNames(s, n, spans, count);
  count = logins(s, n, spans, count);
  count = hostsLines(s, n, spans, count);
  count = sshConfig(s, n, spans, count);
  count = toolNames(s, n, spans, count);
  count = systemNames(s, n, spans, count);
  count = sockets(s, n, spans, count);
  count = labelledHosts(s, n, spans, count);
  count = vpnNames(s, n, spans, count);
  count = databaseNames(s, n, spans, count);
  count = dataPlatformNames(s, n, spans, count);
  count = slurmQueue(s, n, spans, count);
  count = vaultItems(s, n, spans, count);
  count = lockInfo(s, n, spans, count);
  count = circleciOrgs(s, n, spans, count);
  count = moduleSources(s, n, spans, count);
  count = pulumiOutputs(s, n, spans, count);
  count = cdkQualifiers(s, n, spans, count);
  count = lintValues(s, n, spans, count);
  count = policyAssigns(s, n, spans, count);
  return units(s, n, spans, count);
}
