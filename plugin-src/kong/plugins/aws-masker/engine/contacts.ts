// A company's own DNS names, people's e-mail addresses and phone numbers, Windows accounts. A host under the company's domain (portal.brindlecove.com,
// a partner's edi.harrowgate-foods.co.uk) names the company wherever it stands: in a zone file, a TLS SNI, a redirect
// URI, prose: the whole name is masked (DOMAIN_x, as a name key's value is). Public domains (AWS's, code hosts',
// registries', standards bodies', other clouds') stay. A tenant's label in front of a SaaS's domain
// (brindlecove.atlassian.net, brindlecove.okta.com) is the company's: that label is masked, the SaaS's domain stays.
import * as ch from "./chars";
import { KINDS } from "./catalogue";
import { terminalNames, homeLogins } from "./terminal";
import {
  markedParts,
  mixedPart,
  regionName,
  functionWord,
  nameParts,
  notNameHead,
  isNameUnit,
  spacedName,
  costCenterCode,
  plausibleName,
} from "./names";

const byteAt = ch.byteAt;
const sub = ch.sub;
const cls = ch.cls;
const C_ALNUM = ch.C_ALNUM;
const C_LOWER = ch.C_LOWER;
const C_DIGIT = ch.C_DIGIT;
const C_UPPER = ch.C_UPPER;

/** customHosts' spans: [start, end, kind] triples (HOST_LABELS, HOST_EMAIL, HOST_ACCOUNT or HOST_PHONE). */
export const HOST_SPANS: number[] = [];
export const HOST_LABELS = 0;
export const HOST_EMAIL = 1;
/** a Windows domain's or account's name (CORP\\jdoe): a resource name */
export const HOST_ACCOUNT = 2;
/** a phone number in E.164 form (+14155550198: an SMS event's destination, a Cognito user's phone_number) */
export const HOST_PHONE = 3;
/** a person's login in a home directory's path (/home/jdoe/, C:\\Users\\jdoe): not learned unless dotted */
export const HOST_LOGIN = 4;
/** a person's name (personNames, derivedNames, a mailbox's display name): not learned, no AWS signal */
export const HOST_PERSON = 5;
/** a directory name's one plain word (OU=Finance): a resource name masked where it stands, not learned */
export const HOST_WORD = 6;

const setOf = ch.wordSet;

// Top-level domains a company's names end with. Not those that are also a file's extension (.py, .md, .sh, .rs, .so,
// .pl, .tf, .in, .am, .cc), nor .info, .app and .dev (logger.info, self.app, config.dev in code).
const TLDS = setOf(
  "com net org io co ai cloud tech biz xyz online site gov edu us uk eu de fr nl ch se no dk fi es it pt ie cz at ca " +
    "mx br ar cl jp kr cn hk sg tw au nz za ae il ng ke gh eg ph vn ro hu gr pe lu",
);
// and of addresses only (jane@example.fm): after "@" no file's or method's name
// (and the countries' whose code is a word of code or prose: user.pk, this.my, i18n.tr, row.id; .bank, .email)
// (and the forty-eighth pass's country codes that end a member access as often: volume.ro, model.pe, app.module.ng,
// moment.hu, api.gr)
for (const t of (
  "me fm tv gg ly to sh in info app dev is im la md so pl ru be pk my tr th ua id bank email " +
  "ro pe ph gr lu ng hu ke gh vn eg"
).split(" "))
  TLDS[t] = false;
/** True when s[a, b) is a top-level domain a company's host names end with (TLDS; not the addresses-only ones). */
export function hostTld(s: string, a: number, b: number): boolean {
  return TLDS[sub(s, a, b)] === true;
}
// (of those, the countries' whose host a URL, a DNS tool, a second level or a dashed label marks: addressTldHost;
// and .tv, a media company's: https://ingest.api.tidewater-media.tv)
const COUNTRY_HOSTS = setOf("ro pe ph gr lu ng hu ke gh vn eg tv");
// (the words before a host name: a DNS lookup's, a record's)
const DNS_WORDS = setOf("nslookup dig host CNAME ping curl wget");

/**
 * True when s[h, e), a host name under a top-level domain of addresses only (its registrable label s[l, end), the
 * domain's "." at p, the domain s[t, e)), is a host all the same, for the countries' of COUNTRY_HOSTS: after "://"
 * (https://shop.example.ro), under a second level (example.com.ng), with a dashed registrable label
 * (nwp-retail.ro), after a DNS tool's word (nslookup, CNAME), or with a path or a port after it (example.ng/login).
 * A member access has none of these (volume.ro, app.module.ng).
 */
function addressTldHost(
  s: string,
  h: number,
  l: number,
  end: number,
  p: number,
  t: number,
  e: number,
  n: number,
): boolean {
  // (only the countries' codes: .dev, .sh, .io-like domains of addresses only stay so in URLs, public sites' mostly)
  if (COUNTRY_HOSTS[sub(s, t, e)] !== true) return false;
  if (h >= 3 && byteAt(s, h - 1) === 47 && byteAt(s, h - 2) === 47 && byteAt(s, h - 3) === 58) return true;
  if (end < p) return true;
  for (let k = l; k < end; k++) if (byteAt(s, k) === 45) return true;
  if (e + 1 < n && (byteAt(s, e) === 47 || (byteAt(s, e) === 58 && (cls(byteAt(s, e + 1)) & C_DIGIT) !== 0)))
    return h > 0 && byteAt(s, h - 1) === 32;
  let w = h > 0 && byteAt(s, h - 1) === 32 ? h - 1 : -1;
  while (w > 0 && h - w <= 9 && (cls(byteAt(s, w - 1)) & (C_LOWER | C_UPPER)) !== 0) w--;
  return w >= 0 && h - 1 - w >= 3 && DNS_WORDS[sub(s, w, h - 1)] === true;
}

// second-level labels under a country's domain (example.co.uk, example.com.au): the name is the label before
const SECOND_LEVEL = setOf("co com org net ac gov edu ne or");
// Public domains: 1, the domain's and its subdomains' (docs.github.com), and their addresses (the service's own:
// support@github.com; a reserved example's: jane@example.com); 2, a SaaS whose first label is its tenant's
// (<tenant>.atlassian.net), except the SaaS's own (TENANT_NOT); 4, as 2 for a token of 16 units or more; 3, a mail provider (an address there is a person's).
const PUBLIC: Record<string, number> = {};
for (const d of (
  "amazon.com amazonaws.com amazonaws.com.cn amazontrust.com awsstatic.com a2z.com aws.com " +
  "amazon.co.uk amazon.de amazon.co.jp media-amazon.com ssl-images-amazon.com amazonaws-us-gov.com " +
  "amazoncognito.com cloudfront.net awsapps.com amplifyapp.com elasticbeanstalk.com awsglobalaccelerator.com " +
  "verificationemail.com " +
  "amazonlightsail.com awsapprunner.com live-video.net amazonworkspaces.com awstrack.me " +
  "example.com example.net example.org example.co.uk " +
  "github.com githubusercontent.com githubassets.com ghcr.io gitlab.com bitbucket.org atlassian.com " +
  "docker.com docker.io gcr.io quay.io k8s.io kubernetes.io helm.sh terraform.io hashicorp.com " +
  "npmjs.com npmjs.org yarnpkg.com pypi.org python.org pythonhosted.org golang.org rust-lang.org crates.io " +
  "rubygems.org maven.org apache.org gradle.org nodejs.org debian.org ubuntu.com canonical.com redhat.com " +
  "fedoraproject.org centos.org alpinelinux.org microsoft.com microsoftonline.com azure.com windows.com live.com " +
  "office.com google.com googleapis.com gstatic.com googleusercontent.com cloudflare.com letsencrypt.org " +
  "mozilla.org w3.org ietf.org iana.org wikipedia.org stackoverflow.com stackexchange.com medium.com " +
  "youtube.com twitter.com x.com linkedin.com facebook.com slack-edge.com twitch.tv plex.tv tubi.tv pluto.tv sling.tv fubo.tv " +
  "datadoghq.com datadoghq.eu grafana.com prometheus.io elastic.co mongodb.com redis.io postgresql.org " +
  "mysql.com oracle.com nginx.org nginx.com konghq.com anthropic.com claude.ai openai.com newrelic.com nr-data.net " +
  "sentry.io twilio.com stripe.com sendgrid.net mailgun.org readthedocs.io readthedocs.org sourceforge.net " +
  "jenkins.io circleci.com travis-ci.org travis-ci.com codecov.io snyk.io shields.io opencollective.com " +
  "jsdelivr.net unpkg.com cdnjs.com fastly.com akamai.com opentelemetry.io cncf.io envoyproxy.io istio.io " +
  "argoproj.io fluentd.org fluentbit.io jetbrains.com visualstudio.com vscode.dev serverless.com pulumi.com " +
  "digicert.com sectigo.com globalsign.com verisign.com schema.org json-schema.org spdx.org opensource.org " +
  "java.io java.net socket.io asp.net x-k8s.io external-secrets.io sumologic.com honeycomb.io logz.io " +
  "discord.com discordapp.com " +
  // diagram tools' own sites (draw.io's host="app.diagrams.net" on every file's first line; Mermaid's, PlantUML's)
  "diagrams.net draw.io drawio.com mermaid.live mermaid.js.org plantuml.com graphviz.org " +
  // API clients' and capture tools' own sites (a Postman collection's schema, Bruno's, Insomnia's, a HAR's)
  "getpostman.com postman.com usebruno.com insomnia.rest mitmproxy.org charlesproxy.com " +
  // Kubernetes' API groups and annotation prefixes of common operators (monitoring.coreos.com/v1, velero.io/...)
  "coreos.com velero.io dapr.io kyverno.io openshift.io openshift.com cattle.io rancher.io rancher.com longhorn.io " +
  "k3s.io rook.io ceph.io goharbor.io jetstack.io kubeflow.org ray.io strimzi.io kiali.io kubevirt.io metallb.io " +
  "projectcontour.io open-cluster-management.io upbound.io stakater.com kubecost.com gatekeeper.sh karmada.io " +
  // CDNs' and hosts' names in DNS answers (e1234.a.akamaiedge.net)
  "akamaiedge.net akamai.net akamaized.net edgekey.net edgesuite.net cloudflare.net fastly.net herokudns.com " +
  // languages', frameworks' and tools' sites, as code and READMEs link them
  "typescriptlang.org eslint.org prettier.io babeljs.io semver.org yaml.org json.org gnu.org git-scm.com " +
  "kernel.org sqlite.org php.net perl.org ruby-lang.org swift.org kotlinlang.org scala-lang.org jsr.io js.org " +
  "reactjs.org vuejs.org angular.io nextjs.org coveralls.io fury.io badgen.net codeclimate.com appveyor.com " +
  "chromium.org chrome.com apple.com android.com ecma-international.org unicode.org openssl.org openssh.com " +
  "haproxy.org traefik.io caddyserver.com vaultproject.io consul.io packer.io vagrantup.com ansible.com chef.io " +
  "puppet.com saltproject.io bitnami.com artifacthub.io cert-manager.io min.io localstack.cloud godoc.org " +
  "jsdelivr.com anaconda.org anaconda.com conda.io numpy.org pydata.org scipy.org pytorch.org tensorflow.org " +
  "huggingface.co kaggle.com jupyter.org sphinx-doc.org mkdocs.org djangoproject.com palletsprojects.com " +
  "tiangolo.com sqlalchemy.org spring.io eclipse.org openjdk.org java.com nuget.org powershellgallery.com " +
  "chocolatey.org snapcraft.io archlinux.org suse.com opensuse.org rockylinux.org almalinux.org opentofu.org " +
  "cdk8s.io crossplane.io fluxcd.io eksctl.io kustomize.io linkerd.io cilium.io tigera.io projectcalico.org " +
  "thanos.io jaegertracing.io zipkin.io opensearch.org datadog.com dynatrace.com splunk.com lightstep.com " +
  "launchdarkly.com segment.com confluent.io redislabs.com cockroachlabs.com vercel.com duo.com " +
  "pingidentity.com jumpcloud.com 1password.com bitwarden.com tailscale.com openvpn.net zscaler.com " +
  "paloaltonetworks.com fortinet.com crowdstrike.com wiz.io sonarcloud.io aquasec.com sysdig.com falco.org " +
  "owasp.org mitre.org nist.gov cisa.gov cve.org first.org intercom.com hubspot.com asana.com trello.com " +
  "figma.com paypal.com mailchimp.com postmarkapp.com godaddy.com namecheap.com icann.org arin.net ripe.net " +
  "ipinfo.io ifconfig.co icanhazip.com httpbin.org postman.com swagger.io openapis.org graphql.org " +
  "apollographql.com jwt.io oauth.net openid.net whatwg.org caniuse.com reddit.com ycombinator.com " +
  "wordpress.com wordpress.org blogspot.com codeberg.org gitea.io claude.com azure.net " +
  // other clouds' service domains: their ids are theirs to find, not a company's domain
  "windows.net azurewebsites.net azurecr.io azure-api.net azureedge.net cloudapp.net gserviceaccount.com " +
  "appspot.com cloudfunctions.net firebaseio.com firebaseapp.com digitaloceanspaces.com oraclecloud.com"
).split(" "))
  PUBLIC[d] = 1;
// SES's DKIM records: a token's label, <token>.dkim.amazonses.com (not its hosts: a8-70.smtp-out.amazonses.com)
PUBLIC["amazonses.com"] = 4;
// mail providers: the domain is public, an address at it is a person's
for (const d of "gmail.com googlemail.com outlook.com hotmail.com yahoo.com icloud.com me.com protonmail.com proton.me".split(
  " ",
))
  PUBLIC[d] = 3;
for (const d of (
  "atlassian.net okta.com oktapreview.com slack.com zendesk.com service-now.com github.io gitlab.io " +
  "sharepoint.com onmicrosoft.com salesforce.com force.com pagerduty.com opsgenie.com jfrog.io grafana.net " +
  "mongodb.net herokuapp.com netlify.com auth0.com onelogin.com freshdesk.com statuspage.io webex.com zoom.us " +
  "splunkcloud.com snowflakecomputing.com databricks.com confluent.cloud supabase.co duosecurity.com"
).split(" "))
  PUBLIC[d] = 2;
// (of those, a file's extension as often: README.md, deploy.sh, lib.so, build.pl, setup.in)
const FILE_TLDS = setOf("md sh so pl in");
/**
 * Whether the DNS name s[a, b) (labels joined by dots) is a company's host: its top-level domain one a company's names
 * end with, in lower case (TLDS, those of addresses too: example.app; not a file's extension: main.tf, README.md,
 * index.html, Node.js, nor ASP.NET), its registrable domain no public one (github.com, example.com, cloudfront.net,
 * Route 53's awsdns-) but a SaaS whose first label is its tenant's, under that label. a < 0: none.
 */
export function companyHost(s: string, a: number, b: number): boolean {
  if (a < 0) return false;
  let p = b;
  while (p > a && byteAt(s, p - 1) !== 46) p--;
  if (p < a + 2) return false;
  const tld = sub(s, p, b);
  if (TLDS[tld] === undefined || FILE_TLDS[tld] === true) return false;
  let l = p - 1;
  while (l > a && byteAt(s, l - 1) !== 46) l--;
  if (l > a + 1 && b - p === 2 && SECOND_LEVEL[sub(s, l, p - 1)] === true) {
    l--;
    while (l > a && byteAt(s, l - 1) !== 46) l--;
  }
  const reg = sub(s, l, b).toLowerCase();
  // (a SaaS tenant's host is the company's: lkc-6q2x8.us-east-1.aws.confluent.cloud (Z0441...))
  const pub = PUBLIC[reg];
  return (pub === undefined && reg.indexOf("awsdns-") !== 0) || ((pub === 2 || pub === 4) && l > a + 1);
}
const TENANT_NOT = setOf(
  "www api app apps docs help support status hooks events login auth cdn static developer developers blog " +
    "community forum id my raw gist pages cloud console portal admin",
);
// a word that opens code, not a host: org.apache.commons.io, this.co, java.io
const CODE_ROOTS = setOf("this self window document console java javax org com system os sys math json");
// SSH users of a host (git@github.com:org/repo.git, ec2-user@host.example.com): the host, not an address
const SSH_USERS = setOf("git ec2-user ubuntu root admin centos fedora bitnami debian core ssm-user");

/** True when a host name ends at e: no label, "-" or "_" goes on, and no "." before another label. */
function nameEndsAt(s: string, e: number, n: number): boolean {
  if (!ch.hostEndsAt(s, e, n)) return false;
  if (e + 1 < n && byteAt(s, e) === 46 && (cls(byteAt(s, e + 1)) & C_ALNUM) !== 0) return false;
  // (a call, not a host: foo.co(…))
  return e >= n || byteAt(s, e) !== 40;
}

/**
 * The company's DNS names and e-mail addresses in s[0, n), into HOST_SPANS; returns their count. One search for "."
 * through s; each name is walked back once, never past the previous name's end (linear in repeated dots).
 */
export function customHosts(s: string, n: number): number {
  let count = 0;
  let floor = 0;
  DERIVED.count = 0;
  let p = s.indexOf(".");
  while (p >= 0 && p + 2 < n) {
    const t = p + 1;
    let e = t;
    while (e < n && e - t < 7 && (cls(byteAt(s, e)) & C_LOWER) !== 0) e++;
    const tld =
      e - t >= 2 && e - t <= 6 && p > floor && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0 && nameEndsAt(s, e, n)
        ? TLDS[sub(s, t, e)]
        : undefined;
    if (tld !== undefined) {
      let h = ch.hostStart(s, p, floor);
      // (a host after an escaped "//": https%3A%2F%2Fapp.example.com)
      if (h > 0 && byteAt(s, h - 1) === 37 && p - h > 2) h += 2;
      // a DNS service label stays (_dmarc.example.com, <selector>._domainkey.example.com): the name is after it; a
      // DKIM selector before _domainkey is the company's
      if (h > 0 && byteAt(s, h - 1) === 95) {
        const d = unitOr(s, h, p);
        if (d - h === 9 && sub(s, h, d) === "domainkey" && h >= 18 && byteAt(s, h - 2) === 46) {
          const b = h - 2;
          let a = b;
          while (a > floor && b - a < 64 && (cls(byteAt(s, a - 1)) & C_ALNUM) !== 0) a--;
          if (b - a >= 16) count = span(count, a, b, HOST_LABELS);
        }
        h = d < p ? d + 1 : p;
      }
      // the registrable domain: the label before the top-level domain, or two under a country's second level
      let l = p;
      while (l > h && byteAt(s, l - 1) !== 46) l--;
      let end = p; // the registrable label's end
      if (l > h + 1 && e - t === 2 && SECOND_LEVEL[sub(s, l, p)] === true) {
        end = l - 1;
        l = end;
        while (l > h && byteAt(s, l - 1) !== 46) l--;
      }
      const reg = sub(s, l, e).toLowerCase();
      // (Route 53's name servers: ns-1536.awsdns-00.co.uk, awsdns-12.com)
      const pub = l + 7 < end && reg.indexOf("awsdns-") === 0 ? 1 : PUBLIC[reg];
      const label = end - l >= 2 && ch.runOf(s, l, end, C_DIGIT) < end - l;
      const f = l > h ? unitOr(s, h, l) : end;
      const first = sub(s, h, f).toLowerCase();

      // an e-mail address: its local part before "@" (or an escaped "%40")
      let at = -1;
      if (h > 1 && byteAt(s, h - 1) === 64) at = h - 1;
      else if (h > 3 && byteAt(s, h - 3) === 37 && byteAt(s, h - 2) === 52 && byteAt(s, h - 1) === 48) at = h - 3;
      let a = at;
      while (a > 0 && at - a < 64 && localUnit(byteAt(s, a - 1))) a--;
      const before = a > 0 ? byteAt(s, a - 1) : 32;
      if (
        at > a &&
        byteAt(s, a) !== 46 &&
        before !== 47 &&
        (before !== 58 || (a >= 7 && sub(s, a - 7, a) === "mailto:")) &&
        SSH_USERS[sub(s, a, at).toLowerCase()] !== true
      ) {
        // a public service's own addresses stay (AWS's senders: no-reply@sns.amazonaws.com); a mailbox's display name
        // before "<" is its person's (Author: Priya Raman <priya@x.com>, From: "Dana Okafor" <dana@x.com>)
        if (label && pub !== 1) {
          const d = before === 60 ? displayNameStart(s, a - 1, floor) : -1;
          if (d >= 0) count = span(count, d, byteAt(s, a - 3) === 34 ? a - 3 : a - 2, HOST_PERSON);
          count = span(count, a, e, HOST_EMAIL);
          // (the person's name and the company's, written out: derivedNames)
          derive(s, a, at);
          if (pub === undefined) derive(s, l, end);
        }
      } else if (!tld && !(label && pub === undefined && addressTldHost(s, h, l, end, p, t, e, n))) {
        // (a top-level domain of addresses only: .me, .fm)
      } else if (label && pub === undefined && CODE_ROOTS[first] !== true) {
        count = span(count, h, e, HOST_LABELS);
      } else if (
        (pub === 2 || (pub === 4 && f - h >= 16)) &&
        l > h + 1 &&
        TENANT_NOT[first] !== true &&
        (cls(byteAt(s, h)) & C_ALNUM) !== 0 &&
        !(f - h >= 9 && byteAt(s, h + 2) === 45 && (cls(byteAt(s, f - 1)) & C_DIGIT) !== 0)
      ) {
        // a tenant's label (not a region's: us-east-1.amazonses.com), with the labels before it (an app's host under
        // the tenant, hr-intranet.brindlecove.okta.com)
        count = span(count, h, pub === 2 ? l - 1 : f, HOST_LABELS);
      } else if (
        pub === 1 &&
        f - h >= 5 &&
        byteAt(s, h) === 111 &&
        ch.runOf(s, h + 1, f, C_DIGIT) === f - h - 1 &&
        ch.matchesAt(s, f, l, ".ingest.") &&
        reg === "sentry.io"
      ) {
        // (fifty-second pass) a Sentry DSN's organisation id, https://<key>@o<org id>.ingest[.<region>].sentry.io/<project>
        count = span(count, h, f, HOST_LABELS);
      } else if (pub === 1 && first === "ui" && e + 3 < n && byteAt(s, e) === 47 && reg === "honeycomb.io") {
        // (fifty-second pass) a Honeycomb team's slug, the first segment of its UI's pages:
        // https://ui[.eu1].honeycomb.io/<team>/environments/<env>/..., /<team>/datasets/..., /<team>/board/<id>
        let k = e + 1;
        while (k < n && k - e < 64 && localUnit(byteAt(s, k)) && byteAt(s, k) !== 46) k++;
        if (
          k > e + 2 &&
          (ch.matchesAt(s, k, n, "/environments/") ||
            ch.matchesAt(s, k, n, "/datasets/") ||
            ch.matchesAt(s, k, n, "/board/"))
        )
          count = span(count, e + 1, k, HOST_ACCOUNT);
      }
      floor = e;
    }
    p = s.indexOf(".", e > p + 1 ? e : p + 1);
  }
  return directoryNames(s, n, count);
}

// Windows' own domains and accounts (NT AUTHORITY\SYSTEM, BUILTIN\Administrators, HKLM\SOFTWARE)
const WINDOWS_DOMAINS = setOf("NT BUILTIN WORKGROUP HKLM HKCU HKCR HKU HKEY APPPOOL SERVICE AUTHORITY");
const WINDOWS_ACCOUNTS = setOf("administrator administrators system guest users everyone software");

/**
 * Active Directory's names and phone numbers after customHosts' (count of them so far): a domain's and its account's name in
 * DOMAIN\user (and JSON's DOMAIN\\user), the domain's components in a distinguished name (OU=Servers,DC=corp,
 * DC=example,DC=net: all but the last, the top-level domain). Returns the new count.
 */
function directoryNames(s: string, n: number, count: number): number {
  let p = s.indexOf("\\");
  while (p >= 0 && p + 2 < n) {
    // DOMAIN: 2-15 upper-case letters, digits and dashes, standing alone before the backslash
    let a = p;
    while (a > 0 && p - a < 16 && (cls(byteAt(s, a - 1)) & (C_UPPER | C_DIGIT)) !== 0) a--;
    let u = p + 1;
    if (byteAt(s, u) === 92) u++;
    const c = byteAt(s, u);
    let e = u;
    while (
      e < n &&
      e - u < 64 &&
      ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === 45 || byteAt(s, e) === 46 || byteAt(s, e) === 95)
    )
      e++;
    const before = a > 0 ? byteAt(s, a - 1) : 32;
    if (
      p - a >= 2 &&
      (cls(byteAt(s, a)) & C_UPPER) !== 0 &&
      (a === 0 || (cls(before) & C_ALNUM) === 0) &&
      before !== 92 &&
      before !== 45 &&
      // (a registry hive: HKEY_LOCAL_MACHINE\SOFTWARE)
      before !== 95 &&
      (u > p + 1 || (c !== 110 && c !== 116 && c !== 114)) &&
      e - u >= 2 &&
      WINDOWS_DOMAINS[sub(s, a, p)] !== true
    ) {
      count = span(count, a, p, HOST_ACCOUNT);
      if (WINDOWS_ACCOUNTS[sub(s, u, e).toLowerCase()] !== true) count = span(count, u, e, HOST_ACCOUNT);
    }
    p = s.indexOf("\\", e > p + 1 ? e : p + 1);
  }
  // a phone number: "+" and 10-15 digits standing alone (not a time zone's +0000, not inside base64), in one run or
  // in groups after the country's code of one to three, apart by blanks, dashes or dots, the area's code maybe in
  // parentheses (+353 1 555 0199, +1 206-555-0100, +1 (206) 555-0100: a contact flow's description, libphonenumber's
  // international format)
  p = s.indexOf("+");
  while (p >= 0 && p + 10 < n) {
    let e = p + 1 + ch.runOf(s, p + 1, p + 17 < n ? p + 17 : n, C_DIGIT);
    let digits = e - p - 1;
    // (dotted groups end in four digits: +1.206.555.0100, not an address after a diff's "+", +10.12.140.7)
    let dotted = false;
    let last = 0;
    const grouped = digits >= 1 && digits <= 3;
    const wide = digits >= 2 && digits <= 3;
    // (a blank after the country's code, then one separator throughout: not a date and time after "+1 ")
    let sep = 0;
    for (let groups = 0; grouped && groups < 5 && e + 1 < n; groups++) {
      const c = byteAt(s, e);
      if (c !== 32 && c !== 45 && c !== 46) break;
      if (c !== 32) {
        if (sep === 0) sep = c;
        else if (c !== sep) break;
      } else if (sep !== 0) break;
      let g = e + 1;
      const paren = groups === 0 && c === 32 && byteAt(s, g) === 40;
      if (paren) g++;
      // (a national trunk prefix in parentheses, dropped when dialled from abroad: +44 (0)7700 900418)
      const trunk = paren && g + 2 < n && byteAt(s, g) === 48 && byteAt(s, g + 1) === 41;
      if (trunk) g += 2;
      // (a group of up to 8 digits after a country's code of two or three, apart by blanks: +44 7700 900418,
      // +49 30 9018200, E.123's international format)
      const most = c === 32 && wide ? 8 : 4;
      const r = ch.runOf(s, g, g + most + 1 < n ? g + most + 1 : n, C_DIGIT);
      if (r === 0 || r > most || (paren && !trunk && byteAt(s, g + r) !== 41)) break;
      e = g + r + (paren && !trunk ? 1 : 0);
      digits += r;
      dotted = dotted || c === 46;
      last = r;
    }
    if (dotted && last !== 4) digits = 0;
    if (digits >= 10 && digits <= 15 && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0)) {
      const c = e < n ? byteAt(s, e) : 32;
      if ((cls(c) & C_ALNUM) === 0 && c !== 43 && c !== 47 && c !== 61) count = span(count, p, e, HOST_PHONE);
    }
    p = s.indexOf("+", e > p + 1 ? e : p + 1);
  }
  count = nationalPhones(s, n, count);
  count = dkimTokens(s, n, count);
  count = smtpUsers(s, n, count);
  count = directoryParts(s, n, count);
  count = terminalNames(s, n, HOST_SPANS, count, HOST_ACCOUNT);
  count = homeLogins(s, n, HOST_SPANS, count, HOST_LOGIN, HOST_ACCOUNT);
  count = clusterServices(s, n, count);
  count = tagPolicyValues(s, n, count);
  count = requiredTagValues(s, n, count);
  count = costCategoryValues(s, n, count);
  count = curResultColumns(s, n, count);
  count = proseTagValues(s, n, count);
  count = diagramNames(s, n, count);
  count = certificateNames(s, n, count);
  count = personNames(s, n, count);
  count = chatSpeakers(s, n, count);
  count = chatLines(s, n, count);
  count = localizedPersonLabels(s, n, count);
  count = ticketMentions(s, n, count);
  count = reviewedByDate(s, n, count);
  count = derivedNames(s, n, count);
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "DC=" : "dc=";
    p = s.indexOf(lit);
    while (p >= 0) {
      const a = p + 3;
      let e = a;
      while (e < n && e - a < 63 && ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === 45)) e++;
      // (not the last component: a "," and another DC= follow)
      if (e - a >= 2 && e + 4 < n && byteAt(s, e) === 44 && sub(s, e + 1, e + 4).toUpperCase() === "DC=")
        count = span(count, a, e, HOST_LABELS);
      p = s.indexOf(lit, e > p + 3 ? e : p + 3);
    }
  }
  return count;
}

/**
 * The nearest DKIM d= tag (or Authentication-Results' header.i=@) from k in the header, walking in direction dir (-1
 * or 1) up to 192 units, over the line feeds of a folded header (the next line opens with a blank or a tab); -1 for
 * none.
 */
function dkimDomainAt(s: string, k: number, dir: number, n: number, floor: number): number {
  for (let m = 0; m < 192; m++) {
    const c = byteAt(s, k);
    if (k < 1 || k < floor || k + 2 >= n || (c === 10 && byteAt(s, k + 1) !== 32 && byteAt(s, k + 1) !== 9)) return -1;
    const b = byteAt(s, k - 1);
    if (
      ((c === 100 && byteAt(s, k + 1) === 61) || (c === 105 && byteAt(s, k + 1) === 61 && byteAt(s, k + 2) === 64)) &&
      (b === 32 || b === 9 || b === 59 || b === 46)
    )
      return k;
    k += dir;
  }
  return -1;
}

// selectors that name no company: providers' and tools' defaults (Google Workspace's, Microsoft 365's, Mailchimp's ...)
const KNOWN_SELECTORS = setOf(
  "google selector1 selector2 s1 s2 k1 k2 k3 default dkim dkim1 dkim2 mail key1 key2 sig1 mte1 smtp mx pm amazonses",
);

/**
 * A DKIM selector's end at a (RFC 6376 3.1: a DNS label; here 2-63 lower-case letters, digits and "-" with a letter
 * and a digit, ending the tag), not a well-known one (KNOWN_SELECTORS); -1 for none.
 */
function selectorEnd(s: string, a: number, n: number): number {
  let e = a;
  let digit = false;
  let letter = false;
  while (e < n && e - a < 64) {
    const f = cls(byteAt(s, e));
    if ((f & C_DIGIT) !== 0) digit = true;
    else if ((f & C_LOWER) !== 0) letter = true;
    else if (byteAt(s, e) !== 45) break;
    e++;
  }
  if (!digit || !letter || e - a < 2 || e - a > 63 || (e < n && byteAt(s, e) !== 59 && byteAt(s, e) > 32)) return -1;
  return KNOWN_SELECTORS[sub(s, a, e)] === true ? -1 : e;
}

/**
 * Whether the DKIM d= (or i=@) tag at d names a domain the company may own: dotted (a signature's domain; "d=0x10" of a
 * register dump is none), and neither it nor one it is under public (PUBLIC: gmail.com). Only the suffixes of its last
 * four labels are looked up (PUBLIC's domains have three at most): one string per label of a long domain was quadratic
 * in it (review of the fifty-first pass).
 */
function privateSigner(s: string, d: number, n: number): boolean {
  const a = byteAt(s, d + 2) === 64 ? d + 3 : d + 2;
  let e = a;
  let dots = 0;
  while (e < n && e - a < 253 && ((cls(byteAt(s, e)) & C_ALNUM) !== 0 || byteAt(s, e) === 45 || byteAt(s, e) === 46)) {
    if (byteAt(s, e) === 46) dots++;
    e++;
  }
  while (e > a && byteAt(s, e - 1) === 46) {
    dots--;
    e--;
  }
  if (dots <= 0) return false;
  const domain = sub(s, a, e).toLowerCase();
  let labels = 0;
  for (let k = e - 1; k >= a && labels < 4; k--) {
    if (k === a || byteAt(s, k - 1) === 46) {
      labels++;
      if (PUBLIC[sub(domain, k - a, e - a)] !== undefined) return false;
    }
  }
  return true;
}

/** A DKIM token's end at a (32 lower-case letters and digits, standing alone), or -1. */
function dkimTokenEnd(s: string, a: number, n: number): number {
  const e = a + ch.runOf(s, a, a + 33 < n ? a + 33 : n, C_LOWER | C_DIGIT);
  return e - a === 32 && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0) ? e : -1;
}

/**
 * SES's Easy DKIM tokens (the selectors of the company's DKIM records, <token>._domainkey.<domain>, as customHosts
 * reads them there): the items of sesv2 get-email-identity's DkimAttributes.Tokens and of ses verify-domain-dkim's
 * DkimTokens (32 lower alnum each), and a DKIM-Signature's s= tag and an Authentication-Results header.s= of that
 * shape, unless the signature is AWS's own (d=amazonses.com within the header: SES's selectors stay). Returns the
 * new count.
 */
function dkimTokens(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, "okens");
  while (p >= 0) {
    let k = p + 5;
    const limit = k + 16 < n ? k + 16 : n;
    while (k < limit && byteAt(s, k) !== 91 && byteAt(s, k) !== 10) k++;
    // (a JSON list, or a Python repr's in single quotes: boto3's; or YAML's `Tokens:` and its `- <token>` items)
    const yaml =
      k < limit &&
      byteAt(s, k) === 10 &&
      byteAt(s, p + 5) === 58 &&
      (k === p + 6 || (k === p + 7 && byteAt(s, p + 6) === 13));
    if (k < limit && byteAt(s, k) === 91) {
      k++;
      for (let items = 0; items < 8; items++) {
        while (
          k < n &&
          k - p < 512 &&
          (byteAt(s, k) <= 32 || byteAt(s, k) === 34 || byteAt(s, k) === 39 || byteAt(s, k) === 44)
        )
          k++;
        const e = k < n ? dkimTokenEnd(s, k, n) : -1;
        if (e < 0 || e >= n || (byteAt(s, e) !== 34 && byteAt(s, e) !== 39)) break;
        count = span(count, k, e, HOST_LABELS);
        k = e;
      }
    } else if (yaml) {
      k++;
      for (let items = 0; items < 8; items++) {
        while (k < n && k - p < 512 && (byteAt(s, k) === 32 || byteAt(s, k) === 9)) k++;
        if (k + 2 >= n || byteAt(s, k) !== 45 || byteAt(s, k + 1) !== 32) break;
        k += 2;
        const e = dkimTokenEnd(s, k, n);
        if (e < 0 || (e < n && byteAt(s, e) !== 10 && byteAt(s, e) !== 13)) break;
        count = span(count, k, e, HOST_LABELS);
        k = e < n && byteAt(s, e) === 13 ? e + 2 : e + 1;
      }
    }
    p = ch.indexFrom(s, "okens", k > p + 5 ? k : p + 5);
  }
  // (--output text: a TOKENS row per token)
  p = ch.firstOf(s, "TOKENS\t");
  while (p >= 0) {
    const e = dkimTokenEnd(s, p + 7, n);
    if (e > 0 && (p === 0 || byteAt(s, p - 1) === 10)) count = span(count, p + 7, e, HOST_LABELS);
    p = ch.indexFrom(s, "TOKENS\t", e > 0 ? e : p + 7);
  }
  p = ch.firstOf(s, "s=");
  let floor = 0;
  while (p >= 0) {
    const c = p > 0 ? byteAt(s, p - 1) : 10;
    const tag = p + 2 < n && (c === 32 || c === 9 || c === 10 || c === 59 || c === 46);
    const token = tag ? dkimTokenEnd(s, p + 2, n) : -1;
    // (fifty-first pass) or a selector the company named (s=bc2024q3): letters and a digit, no well-known one's
    const e = tag && token < 0 ? selectorEnd(s, p + 2, n) : token;
    if (e > 0) {
      // (the signature's domain: the nearest d= tag before on the line, else after it; Authentication-Results puts
      // header.d= before header.s=, a DKIM-Signature d= after s=)
      // (a named selector's: before it only, never back past the previous tag's place: linear in repeated tags)
      let d = dkimDomainAt(s, p, -1, n, token > 0 ? 0 : floor);
      if (d < 0 && token > 0) d = dkimDomainAt(s, e, 1, n, 0);
      const aws = d >= 0 && (ch.matchesAt(s, d, n, "d=amazonses.com") || ch.matchesAt(s, d, n, "i=@amazonses.com"));
      // (only in a signature: a d= tag on the line; a hash's s=<32 alnum> is none; a named selector only for a dotted
      // domain that is no public one's, gmail.com's)
      if (d >= 0 && !aws && (token > 0 || privateSigner(s, d, n))) count = span(count, p + 2, e, HOST_LABELS);
    }
    floor = p;
    p = ch.indexFrom(s, "s=", e > 0 ? e : p + 2);
  }
  return count;
}

/**
 * The IAM user the SES console creates for SMTP credentials, ses-smtp-user.<yyyymmdd>-<hhmmss> (its credentials.csv's
 * first cell, an IAM policy's or a ticket's words), wherever it stands: the whole name (an account's user). Returns
 * the new count.
 */
function smtpUsers(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, "ses-smtp-user.");
  while (p >= 0) {
    const a = p + 14;
    let e = a + ch.runOf(s, a, a + 9 < n ? a + 9 : n, C_DIGIT);
    if (e - a === 8 && e + 7 <= n && byteAt(s, e) === 45 && ch.runOf(s, e + 1, e + 8 < n ? e + 8 : n, C_DIGIT) === 6) {
      e += 7;
      const before = p > 0 ? byteAt(s, p - 1) : 32;
      if ((cls(before) & C_ALNUM) === 0 && before !== 45 && (e >= n || (cls(byteAt(s, e)) & C_ALNUM) === 0))
        count = span(count, p, e, HOST_ACCOUNT);
    }
    p = ch.indexFrom(s, "ses-smtp-user.", a);
  }
  return count;
}

// Words that say a phone number follows (a contact centre's DID, an on-call's mobile, "callers to", "Tel:")
const PHONE_WORDS = [
  "phone",
  "Phone",
  "PHONE",
  "mobile",
  "Mobile",
  "number",
  "Number",
  "call",
  "Call",
  "DID",
  "Tel",
  "tel:",
  "dial",
  // (fiftieth pass: an SMS's number, a customer's: "customers quote (312) 555-0148")
  "SMS",
  "customer",
  "Customer",
  "fax",
  "Fax",
];
// (the weaker cues, SMS and customer: a number after them must be one no amount, year or account number is)
const WEAK_PHONE_CUE = PHONE_WORDS.indexOf("SMS");

/**
 * Phone numbers in a national format (E.123: 0330 123 4567, 020 7946 0958, 07700 900418, (312) 555-0148, 206-555-0100)
 * within 32 units after a word that says so (PHONE_WORDS) on the same line: 10 or 11 digits in two to four groups of
 * 2-6 apart by a blank or a dash, the first opening with 0 (a trunk prefix) or in parentheses, or three groups of
 * 3, 3 and 4 (the North American plan). Returns the new count.
 */
function nationalPhones(s: string, n: number, count: number): number {
  for (let w = 0; w < PHONE_WORDS.length; w++) {
    const lit = PHONE_WORDS[w];
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let k = p + lit.length;
      while (k < n && k - p < 24 && (cls(byteAt(s, k)) & (C_LOWER | C_UPPER)) !== 0) k++;
      const limit = k + 32 < n ? k + 32 : n;
      while (k < limit && (cls(byteAt(s, k)) & C_DIGIT) === 0 && byteAt(s, k) !== 40 && byteAt(s, k) !== 10) k++;
      const e = k < limit ? nationalPhoneEnd(s, k, n, w >= WEAK_PHONE_CUE && w < WEAK_PHONE_CUE + 3) : -1;
      if (e > 0) count = span(count, k, e, HOST_PHONE);
      p = ch.indexFrom(s, lit, e > k ? e : k > p + lit.length ? k : p + lit.length);
    }
  }
  return count;
}

/**
 * The end of a national phone number at a (see nationalPhones), or -1. weak: after SMS or customer, where amounts and
 * account numbers stand as often (review of the fiftieth pass): a code of four digits in parentheses opens with 0 (not
 * a year: customers (2024) 120 4500), a North American number's area code opens with 2-9 (not an amount, 100 250
 * 1000), and no number opens with 00 (an international prefix, or an account's zeros: 0001-234-5678).
 */
function nationalPhoneEnd(s: string, a: number, n: number, weak: boolean): number {
  const before = a > 0 ? byteAt(s, a - 1) : 32;
  if ((cls(before) & C_ALNUM) !== 0 || before === 43 || before === 45 || before === 46) return -1;
  let k = a;
  let digits = 0;
  let groups = 0;
  let first = 0;
  let nanp = true;
  const paren = byteAt(s, a) === 40;
  if (paren) {
    const r = ch.runOf(s, a + 1, a + 7 < n ? a + 7 : n, C_DIGIT);
    if (r < 2 || r > 5 || a + r + 1 >= n || byteAt(s, a + 1 + r) !== 41) return -1;
    if (weak && r === 4 && byteAt(s, a + 1) !== 48) return -1;
    k = a + 2 + r;
    digits = r;
    groups = 1;
    first = 40;
    nanp = false;
  }
  while (groups < 4 && k < n) {
    if (groups > 0) {
      const c = byteAt(s, k);
      if ((c !== 32 && c !== 45) || k + 1 >= n || (cls(byteAt(s, k + 1)) & C_DIGIT) === 0) break;
      k++;
    }
    const r = ch.runOf(s, k, k + 7 < n ? k + 7 : n, C_DIGIT);
    if (r < 2 || r > 6) return -1;
    if (groups === 0) first = byteAt(s, k);
    if (r !== (groups === 2 ? 4 : 3)) nanp = false;
    digits += r;
    groups++;
    k += r;
  }
  if (groups < 2 || digits < 10 || digits > 11 || !(first === 48 || first === 40 || (nanp && groups === 3))) return -1;
  if (weak && (first === 48 ? byteAt(s, a + 1) === 48 : first !== 40 && first < 50)) return -1;
  if (k < n) {
    const c = byteAt(s, k);
    if ((cls(c) & C_ALNUM) !== 0 || c === 45 || c === 95 || c === 47) return -1;
    if ((c === 58 || c === 46) && k + 1 < n && (cls(byteAt(s, k + 1)) & C_DIGIT) !== 0) return -1;
  }
  return k;
}

/**
 * Where a mailbox's display name starts, its "<" at k: one to four capitalised words (letters, "-", "'", ".") before
 * " <" (or before '" <', quoted), down to floor; -1 for none.
 */
function displayNameStart(s: string, k: number, floor: number): number {
  if (k < 3 || byteAt(s, k - 1) !== 32) return -1;
  let b = k - 1;
  const quoted = byteAt(s, b - 1) === 34;
  if (quoted) b--;
  let a = b;
  let words = 0;
  while (words < 4) {
    let w = a;
    // (a first letter beyond ASCII counts as a capital: Łukasz, Émilie)
    let latin = false;
    // (letters counted, not units: see personName)
    let letters = 0;
    while (w > floor && letters < 32) {
      const c = byteAt(s, w - 1);
      const l =
        (cls(c) & (C_LOWER | ch.C_UPPER)) === 0 && c !== 45 && c !== 39 && c !== 46 ? ch.latinLetterBefore(s, w) : 0;
      if (l === 0 && (cls(c) & (C_LOWER | ch.C_UPPER)) === 0 && c !== 45 && c !== 39 && c !== 46) break;
      w -= l > 0 ? l : 1;
      latin = l > 0;
      letters++;
    }
    if (w === a || ((cls(byteAt(s, w)) & ch.C_UPPER) === 0 && !latin)) break;
    words++;
    a = w;
    if (
      w - 1 <= floor ||
      byteAt(s, w - 1) !== 32 ||
      ((cls(byteAt(s, w - 2)) & (C_LOWER | ch.C_UPPER)) === 0 && ch.latinLetterBefore(s, w - 1) === 0)
    )
      break;
    a = w - 1;
  }
  while (byteAt(s, a) === 32) a++;
  // (two words at least, a person's; not a role's or a tool's mailbox: Support Team, Jenkins, GitHub Actions)
  if (words < 2 || (quoted && byteAt(s, a - 1) !== 34)) return -1;
  for (const w of sub(s, a, b).toLowerCase().split(" ")) if (ROLE_WORDS[w] === true) return -1;
  return a;
}
const ROLE_WORDS = setOf(
  "team,support,admin,admins,administrator,bot,service,services,notifications,alerts,ops,operations,noreply,no-reply," +
    "jenkins,github,gitlab,actions,dependabot,renovate,security,billing,aws,amazon,helpdesk,desk,info,sales,devops," +
    "platform,oncall,on-call,admin," +
    // (groups a review or an approval names: Azure DevOps' Project Administrators, Build Administrators, Contributors)
    "administrators,contributors,readers,owners,maintainers,reviewers,approvers,requests,checks,engineering,users",
  ",",
);

// Active Directory's own containers and groups (CN=Users, CN=Domain Admins, OU=Domain Controllers)
const DIRECTORY_WELL_KNOWN = setOf(
  "users,computers,builtin,system,configuration,schema,services,keys,program data,domain controllers,domain admins," +
    "domain users,domain computers,domain guests,enterprise admins,schema admins,administrators," +
    "foreignsecurityprincipals,managed service accounts,microsoft exchange system objects,infrastructure,policies," +
    "partitions,sites,servers,workstations,laptops,desktops,groups,accounts,service accounts,people,staff,employees," +
    "admins,disabled users,member servers," +
    // (the OUs AWS's guides have its services join computers to: OU=WorkSpaces, OU=AppStream, OU=FSx; learned, the
    // service's name was replaced in prose)
    "workspaces,appstream,fsx,ec2,directory service",
  ",",
);

/**
 * The CN= and OU= values of an Active Directory distinguished name (one whose DC= parts follow within its line:
 * CN=Jane Doe,OU=Payments,DC=corp,DC=example,DC=com), its own containers and groups aside; and a domain's SIDs
 * (S-1-5-21-<three sub-authorities, the domain>[-<RID>]; S-1-5-18 and the other well-known SIDs are Windows'). Each
 * part read once: the search resumes past it.
 */
function directoryParts(s: string, n: number, count: number): number {
  for (let w = 0; w < 4; w++) {
    const lit = w === 0 ? "CN=" : w === 1 ? "OU=" : w === 2 ? "cn=" : "ou=";
    // the next DC= part and line end after the value (each searched again only once passed: linear)
    let dc = -1;
    let lf = -1;
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      const a = p + 3;
      let e = a;
      // (a value runs to its "," or line's end; "\," is an escaped comma)
      while (e < n && e - a < 64 && byteAt(s, e) !== 44 && byteAt(s, e) !== 10 && byteAt(s, e) !== 13) {
        if (byteAt(s, e) === 92) e++;
        e++;
      }
      let b = e;
      while (b > a && byteAt(s, b - 1) === 32) b--;
      if (b - a >= 2 && e < n && byteAt(s, e) === 44 && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0)) {
        if (dc < e && dc !== -2) {
          dc = s.indexOf(w < 2 ? "DC=" : "dc=", e);
          if (dc < 0) dc = -2;
        }
        if (lf < e && lf !== -2) {
          lf = s.indexOf("\n", e);
          if (lf < 0) lf = -2;
        }
        // (an acronym of up to four capitals, OU=SQL, OU=IT, names a kind of thing: learned, it was replaced in prose)
        if (
          dc >= 0 &&
          (lf < 0 || dc < lf) &&
          DIRECTORY_WELL_KNOWN[sub(s, a, b).toLowerCase()] !== true &&
          !(b - a <= 4 && ch.runOf(s, a, b, ch.C_UPPER) === b - a)
        )
          // (one plain word, OU=Finance, is masked in the name only: learned, "Finance" went in every sentence; one in
          // lower case, CN=jsmith, is a user's login, learned)
          count = span(
            count,
            a,
            b,
            ch.plainWord(s, a, b) && (cls(byteAt(s, a)) & ch.C_UPPER) !== 0 ? HOST_WORD : HOST_ACCOUNT,
          );
      }
      p = ch.indexFrom(s, lit, e > p + 3 ? e : p + 3);
    }
  }
  let p = ch.firstOf(s, "S-1-5-21-");
  while (p >= 0) {
    let e = p + 9;
    for (let part = 0; part < 4; part++) {
      const d = e + ch.runOf(s, e, e + 10 < n ? e + 10 : n, C_DIGIT);
      if (d === e) break;
      e = d;
      if (part === 3 || e + 1 >= n || byteAt(s, e) !== 45 || (cls(byteAt(s, e + 1)) & C_DIGIT) === 0) {
        if (part >= 2) count = span(count, p, e, HOST_ACCOUNT);
        break;
      }
      e++;
    }
    p = ch.indexFrom(s, "S-1-5-21-", e > p + 9 ? e : p + 9);
  }
  return count;
}

/**
 * Kubernetes' in-cluster service names, <service>.<namespace>.svc[.cluster.local]: the service's and the namespace's
 * labels (the company's, as any DNS name of its own); the cluster's own (kubernetes.default, kube-system's) stay.
 */
function clusterServices(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, ".svc");
  while (p >= 0) {
    const e = p + 4;
    // (.svc ends the name, or .svc.cluster.local does: not svc.example.io)
    const ends =
      e >= n ||
      ((cls(byteAt(s, e)) & C_ALNUM) === 0 &&
        byteAt(s, e) !== 45 &&
        (byteAt(s, e) !== 46 || sub(s, e, e + 14) === ".cluster.local"));
    if (p > 2 && ends) {
      const h = ch.hostStart(s, p, 0);
      const names = sub(s, h, p).toLowerCase();
      if (
        p - h >= 3 &&
        names.indexOf(".") > 0 &&
        names !== "kubernetes.default" &&
        names.indexOf(".kube-system") < 0 &&
        names.indexOf(".kube-public") < 0
      )
        count = span(count, h, p, HOST_LABELS);
    }
    p = ch.indexFrom(s, ".svc", e);
  }
  return count;
}

// certificates' public issuers and their own units, and the toolkits' placeholders (OpenSSL's Internet Widgits, Go's
// Acme Co): kept
const PUBLIC_CERT_ORGS = setOf(
  "amazon,amazon web services,amazon.com,let's encrypt,internet security research group,isrg,digicert inc,digicert," +
    "google trust services llc,google trust services,sectigo limited,sectigo,globalsign nv-sa,globalsign," +
    "cloudflare,microsoft corporation,entrust,godaddy.com,the go daddy group,starfield technologies,identrust," +
    "baltimore,comodo ca limited,the usertrust network,zerossl,ssl corporation,apple inc.,verisign,thawte," +
    "geotrust inc.,internet widgits pty ltd,acme co,example,example inc.,domain control validated," +
    "www.digicert.com,positivessl,essentialssl",
  ",",
);

// the first words of public CAs' common names (Amazon Root CA 1, DigiCert Global Root G2, ISRG Root X1, GTS CA 1C3)
const PUBLIC_CA_WORDS = setOf(
  "amazon,digicert,isrg,globalsign,sectigo,usertrust,baltimore,starfield,go,godaddy,microsoft,entrust,gts,google," +
    "geotrust,thawte,verisign,comodo,identrust,certum,buypass,quovadis,zerossl,cloudflare,apple,aws,aaa,dst,rapidssl," +
    "encryption,trustid,twca,certainly,hydrantid,securetrust,trustwave,actalis,harica,swisssign,telia,t-telesec," +
    "d-trust,emsign,affirmtrust,symantec,cybertrust,ssl.com,globaltrust,secom,certigna,starfield",
  ",",
);

/**
 * True when v (lower case) is a public CA's common name: it opens with one of PUBLIC_CA_WORDS; Amazon's and AWS's
 * with their own second words (Amazon Root CA 1, Amazon RSA 2048 M02, AWS IoT Certificate; a company's private CA may
 * be named "AWS Brindlecove Private Root CA").
 */
function publicCaName(v: string): boolean {
  const blank = v.indexOf(" ");
  const first = blank < 0 ? v : v.slice(0, blank);
  if (PUBLIC_CA_WORDS[first] !== true) return false;
  if (blank < 0 || (first !== "amazon" && first !== "aws")) return true;
  const next = v.indexOf(" ", blank + 1);
  return AMAZON_CA_WORDS[v.slice(blank + 1, next < 0 ? v.length : next)] === true;
}
const AMAZON_CA_WORDS = setOf("root,rsa,ecdsa,iot,rds,documentdb", ",");

/**
 * The organization (O) and unit (OU) of a certificate's subject or issuer, as openssl x509 and s_client print them
 * (subject=C = GB, O = Northwind Payments Ltd, OU = Treasury Platform, CN = ...; s:/i: lines), curl -v (subject: C=US;
 * O=...; CN=...): the company's names; public CAs' stay, and a unit of one word of letters (IT, Engineering: learned,
 * it would be masked all over the request). Read on a line that says subject or issuer only; each value at most 64 units.
 */
function certificateNames(s: string, n: number, count: number): number {
  // (a text that says neither subject nor issuer, nor holds s_client's " s:" chain lines, holds no certificate's names:
  // four searches spared)
  const certificate =
    ch.firstOf(s, "ubject") >= 0 ||
    ch.firstOf(s, "ssuer") >= 0 ||
    ch.firstOf(s, " s:") >= 0 ||
    ch.firstOf(s, "Owner: ") >= 0;
  for (let w = 0; w < 6 && certificate; w++) {
    const lit = w === 0 ? "O = " : w === 1 ? "OU = " : w === 2 ? "O=" : w === 3 ? "OU=" : w === 4 ? "CN = " : "CN=";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      let e = a;
      // (to its ",", ";", "/" or line's end, or a quote: a DN inside a JSON string, "subject": "CN=x,O=y")
      while (
        e < n &&
        e - a < 64 &&
        byteAt(s, e) !== 44 &&
        byteAt(s, e) !== 59 &&
        byteAt(s, e) !== 10 &&
        byteAt(s, e) !== 34
      ) {
        if (byteAt(s, e) === 47 && w >= 2) break;
        e++;
      }
      let b = e;
      while (b > a && byteAt(s, b - 1) <= 32) b--;
      const c = p > 0 ? byteAt(s, p - 1) : 32;
      if (b - a >= 2 && (c === 32 || c === 44 || c === 59 || c === 47 || c === 61 || c === 58 || c === 34)) {
        let ls = p;
        while (ls > 0 && p - ls < 256 && byteAt(s, ls - 1) !== 10) ls--;
        const head = sub(s, ls, p).toLowerCase();
        const v = sub(s, a, b).toLowerCase();
        const plainUnit = (w % 2 === 1 || w >= 4) && ch.runOf(s, a, b, C_LOWER | C_UPPER) === b - a;
        // (a common name: a private CA's or a client's, Brindlecove Issuing CA G2, svc-card-tokenizer; a DNS name is
        // the host readers', a public CA's stays: Amazon RSA 2048 M02, R3)
        // (a dot in words is no DNS name's: Priya R. Raman)
        // (Kubernetes' own: kubernetes, kube-apiserver, etcd-ca, front-proxy-client, system:node:<host>)
        const commonName =
          w < 4 ||
          ((v.indexOf(".") < 0 || v.indexOf(" ") >= 0) &&
            b - a > 3 &&
            !publicCaName(v) &&
            !ch.holdsAt(v, 0, "kube") &&
            !ch.holdsAt(v, 0, "etcd") &&
            !ch.holdsAt(v, 0, "front-proxy") &&
            !ch.holdsAt(v, 0, "system:"));
        if (
          (head.indexOf("subject") >= 0 ||
            head.indexOf("issuer") >= 0 ||
            head.indexOf(" s:") >= 0 ||
            head.indexOf(" i:") >= 0 ||
            head.indexOf("owner: ") >= 0) &&
          !plainUnit &&
          commonName &&
          PUBLIC_CERT_ORGS[v] !== true &&
          // (AWS's own units and organizations: OU = Amazon RDS, O = Amazon)
          (w >= 4 || !publicCaName(v))
        )
          count = span(count, a, b, HOST_ACCOUNT);
      }
      p = ch.indexFrom(s, lit, e > p + lit.length ? e : p + lit.length);
    }
  }
  return count;
}

// a mailbox's words that make no person's name (no-reply, do-not-reply, it-helpdesk, hello)
const MAILBOX_WORDS = setOf("no,reply,do,not,it,hr,hello,contact,noreply,donotreply,mail,mailer,notify", ",");

/** Local parts and company labels of two or three words (first.last, northwind-payments) seen by customHosts. */
const DERIVED = { count: 0, a: [] as number[], b: [] as number[] };

/** Records s[a, b), a local part or a registrable label, when it is two or three words of letters apart by "." or "-". */
function derive(s: string, a: number, b: number): void {
  if (DERIVED.count >= 16 || b - a < 5 || b - a > 48) return;
  let seps = 0;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 46 || c === 45) {
      if (k === a || k === b - 1 || k - 2 < a || byteAt(s, k - 1) === 46 || byteAt(s, k - 1) === 45) return;
      seps++;
    } else if ((cls(c) & (C_LOWER | C_UPPER)) === 0) return;
  }
  if (seps < 1 || seps > 2) return;
  DERIVED.a[DERIVED.count] = a;
  DERIVED.b[DERIVED.count] = b;
  DERIVED.count++;
}

/**
 * The names customHosts' addresses and domains spell, written out in the same text: a person's (jane.doe@x ->
 * "Jane Doe"), a company's (northwind-payments.com -> "Northwind Payments"); each capitalised, words apart by a blank,
 * found whole. At most 16 names, each one search.
 */
function derivedNames(s: string, n: number, count: number): number {
  const seen: Record<string, boolean> = {};
  for (let d = 0; d < DERIVED.count; d++) {
    const raw = sub(s, DERIVED.a[d], DERIVED.b[d]).toLowerCase();
    let title = "";
    let up = true;
    for (let k = 0; k < raw.length; k++) {
      const c = byteAt(raw, k);
      if (c === 46 || c === 45) {
        title += " ";
        up = true;
      } else {
        title += up ? sub(raw, k, k + 1).toUpperCase() : sub(raw, k, k + 1);
        up = false;
      }
    }
    if (seen[title] === true) continue;
    seen[title] = true;
    // (not a role's mailbox: no-reply, it-helpdesk, security-alerts)
    let role = false;
    for (const w of raw.split(raw.indexOf(".") >= 0 ? "." : "-"))
      role =
        role || ROLE_WORDS[w] === true || NOT_PERSON_WORDS[w] === true || MAILBOX_WORDS[w] === true || w.length < 2;
    if (role || ROLE_WORDS[raw] === true) continue;
    let p = s.indexOf(title);
    while (p >= 0) {
      const e = p + title.length;
      const before = p > 0 ? byteAt(s, p - 1) : 32;
      const after = e < n ? byteAt(s, e) : 32;
      if ((cls(before) & C_ALNUM) === 0 && (cls(after) & C_ALNUM) === 0) count = span(count, p, e, HOST_PERSON);
      p = s.indexOf(title, e);
    }
  }
  return count;
}

/** Whether " and " stands at k (a list's last separator; past the text's end, no unit matches). */
function andAt(s: string, k: number): boolean {
  return (
    byteAt(s, k) === 32 &&
    byteAt(s, k + 1) === 97 &&
    byteAt(s, k + 2) === 110 &&
    byteAt(s, k + 3) === 100 &&
    byteAt(s, k + 4) === 32
  );
}

/** True when a label's anchor found at p opens a word: its initial head (either case) at p - 1, no letter before it. */
function labelOpens(s: string, p: number, head: number): boolean {
  return p >= 1 && (byteAt(s, p - 1) | 32) === head && (p < 2 || (cls(byteAt(s, p - 2)) & (C_LOWER | C_UPPER)) === 0);
}

/** a past a bold label's closing mark there (HTML's </strong> or </b>, Markdown's **), or a itself. */
function boldClosed(s: string, a: number, n: number): number {
  if (a + 1 >= n) return a;
  if (byteAt(s, a) === 42 && byteAt(s, a + 1) === 42) return a + 2;
  if (byteAt(s, a) !== 60 || byteAt(s, a + 1) !== 47) return a;
  if (ch.matchesAt(s, a, n, "</strong>")) return a + 9;
  return ch.matchesAt(s, a, n, "</b>") ? a + 4 : a;
}

/** The end of a list's item of capitalised words starting at a (at most 64 units), -1 when none starts there. */
function listItemEnd(s: string, a: number, n: number): number {
  if (a >= n || (cls(byteAt(s, a)) & C_UPPER) === 0) return -1;
  let e = a;
  while (e < n && e - a < 64 && ((cls(byteAt(s, e)) & (C_LOWER | C_UPPER)) !== 0 || byteAt(s, e) === 32)) {
    // (up to the next item: ", " or " and ")
    if (andAt(s, e)) break;
    e++;
  }
  while (e > a && byteAt(s, e - 1) === 32) e--;
  return e > a ? e : -1;
}

// personNames' anchors: 0-3 a workflow's verb and "by"/"to"; 4-6, 10, 12 a label and one blank; 7 a chat line's time;
// 8, 9, 11 a role's cell or label; 13-17 a list's label (reviewers, approvers, authors, deciders, an escalation's
// order); 18-23 a ticket's or a document's field, its value after blanks or a tab (Jira's Reporter:<tab>x); 24-29 a
// cue in prose; 30-32 a meeting's lists, 33-34 a review's fields, 35-36 "by" past an inline tag (fifty-first pass)
const PERSON_ANCHORS = [
  "ed by",
  "ed By",
  "ed to",
  "ed To",
  "wner: ",
  "party: ",
  "n-call: ",
  "] ",
  "ommander",
  "cribe",
  "ontact: ",
  "wnerInformation",
  "--owner-information ",
  "eviewers: ",
  "pprovers: ",
  "uthors:",
  "eciders:",
  "scalation:",
  "eporter:",
  "ssignee:",
  "uthor:",
  "TAM:",
  "Lead:",
  "wner:\t",
  // (forty-ninth pass) 24-29: prose's explicit cues, "new hire Tariq Aziz", "please welcome Ana Lima", "the team lead is
  // Sanne Visser" (either case; then ",", ":" or "is" and a blank: "the new hire, Tariq Aziz", "New hire: x")
  "ew hire",
  "lease welcome",
  "eam lead is",
  "ew Hire",
  "lease Welcome",
  "eam Lead is",
  // (fifty-first pass) Confluence's meeting-notes blueprint (**Attendees:** x, y), an access review's or a SOC 2
  // template's fields (Reviewer: x, Approver: x), and HTML's or Confluence's bold verb (<strong>Approved</strong> by x)
  "ttendees:",
  "articipants:",
  "otes by:",
  "eviewer:",
  "pprover:",
  "ed</strong> by",
  "ed</b> by",
];

/**
 * People's names where a workflow's words or a chat's layout put them: after "requested by", "approved by",
 * "assigned to" and the like, after an owner's, an assignee's or an on-call label ("owner: Tomasz Wierzbicki", a
 * Direct Connect LOA's "Authorized party:"), and a chat line's speaker after its time ("[03:07] Lena Hofstaedter: ack").
 * Two or three capitalised words (personName); not a team's or a tool's (ROLE_WORDS).
 */
function personNames(s: string, n: number, count: number): number {
  for (let w = 0; w < PERSON_ANCHORS.length; w++) {
    const lit = PERSON_ANCHORS[w];
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      // (a cue of prose opens a word: "new hire", "please welcome", not "crew hire"; "team lead is" after a blank)
      if (w >= 24 && w <= 29) {
        a = cueStarts(s, p, a, n, w === 24 || w === 27 ? 110 : w === 25 || w === 28 ? 112 : 116);
        if (a < 0) {
          p = ch.indexFrom(s, lit, p + lit.length);
          continue;
        }
      }
      // (a role's cell or label before the name: |Incident commander|Lena Hofstaedter|, Scribe: Diego Fontanarrosa,
      // **Incident Commander:** x, "OwnerInformation": "x", | OwnerInformation | x |; "Scribe" a whole word, not
      // describe's or Transcribe's)
      if (w === 8 || w === 9 || w === 11 || (w >= 15 && w <= 23) || (w >= 30 && w <= 34)) {
        // (review of the fifty-first pass: a meeting's and a review's labels open a word, not Votes by: or
        // Quotes by:; and HTML's bold label closes after its ":", <strong>Reviewer:</strong> x)
        if (w >= 30 && !labelOpens(s, p, w === 31 ? 112 : w === 32 ? 110 : w === 33 ? 114 : 97)) {
          p = ch.indexFrom(s, lit, p + lit.length);
          continue;
        }
        if (w >= 15 && a < n && byteAt(s, a) === 60) a = boldClosed(s, a, n);
        const from = a;
        while (
          a < n &&
          a - from < 8 &&
          (byteAt(s, a) === ch.PIPE ||
            byteAt(s, a) === 58 ||
            byteAt(s, a) === 32 ||
            byteAt(s, a) === 9 ||
            byteAt(s, a) === 42 ||
            byteAt(s, a) === 34)
        )
          a++;
        const word =
          w !== 9 ||
          (p >= 1 &&
            (byteAt(s, p - 1) === 83 || byteAt(s, p - 1) === 115) &&
            (p < 2 || (cls(byteAt(s, p - 2)) & (C_LOWER | C_UPPER)) === 0));
        // (a role's word needs its separator, | or ":", or two blanks; a label's own ":" is its separator, and an
        // incident's commander may follow in prose: "commander Jordan Ellery")
        if (
          (w < 15 && (a - from === 0 || (a - from === 1 && byteAt(s, from) === 32 && w !== 8))) ||
          (w >= 15 && a - from === 0 && w !== 23) ||
          !word
        ) {
          p = ch.indexFrom(s, lit, p + lit.length);
          continue;
        }
      }
      // ("by" and "by:": Requested by: Lena Hofstaedter)
      const by = w <= 3 || w >= 35;
      const field = by && a < n && byteAt(s, a) === 58;
      // (past a bold label's end: <strong>Approved by:</strong> x, **Approved by:** x)
      if (field) a = boldClosed(s, a + 1, n);
      if (by) {
        // (a form's field, its value aligned: "Supported by:         Ines Carvalho")
        const from = a;
        while (a < n && a - from < 24 && (byteAt(s, a) === 32 || byteAt(s, a) === 9)) a++;
        if (a === from || (a - from > 1 && byteAt(s, from - 1) !== 58)) a = n;
      }
      // (a quoted name: owner: "Lena Hofstaedter", --owner-information "x")
      if (a < n && byteAt(s, a) === 34) a++;
      let e = a < n ? personName(s, a, n) : -1;
      if (e > 0 && by) {
        // (after a workflow's verb: requested, approved, reported ... by; assigned, escalated ... to)
        let v = p + 2;
        while (v > 0 && p + 2 - v < 16 && (cls(byteAt(s, v - 1)) & (C_LOWER | C_UPPER)) !== 0) v--;
        const verb = sub(s, v, p + 2).toLowerCase();
        if (
          (w <= 1 || w >= 35 ? PERSON_VERBS[verb] : TO_VERBS[verb]) !== true &&
          !(field && FIELD_VERBS[verb] === true)
        )
          e = -1;
      } else if (e > 0 && w === 7) {
        // (a chat line's time opening the line: [03:07] or [14:22:05] before the speaker's name and ":"; not a log's
        // [2024-01-15 10:00:01] ERROR x:)
        const t =
          p >= 9 && byteAt(s, p - 9) === ch.LBRACKET ? p - 9 : p >= 6 && byteAt(s, p - 6) === ch.LBRACKET ? p - 6 : -1;
        e =
          t >= 0 &&
          (t === 0 || byteAt(s, t - 1) === 10) &&
          byteAt(s, t + 3) === 58 &&
          ch.runOf(s, t + 1, t + 3, C_DIGIT) === 2 &&
          ch.runOf(s, t + 4, t + 6, C_DIGIT) === 2 &&
          byteAt(s, e) === 58
            ? e
            : -1;
      }
      // (git's Author: line, the name before its address: the mailbox's rule decides, a reserved example domain's stays)
      if (e > 0 && w === 20 && byteAt(s, e) === 32 && byteAt(s, e + 1) === 60) e = -1;
      // (a field's one name ends the field: "Lead: Time Series forecasting" names no one)
      if (e > 0 && ((w >= 18 && w <= 23) || w === 33 || w === 34) && !fieldEnd(s, e, n)) e = -1;
      // (a cue's name is no title's words: "new hire Laptop Setup:", "please welcome New Relic users")
      if (e > 0 && w >= 24 && w <= 29 && !cueName(s, a, e, n)) e = -1;
      if (e > 0) count = span(count, a, e, HOST_PERSON);
      // (a design document's reviewers and approvers, a list: "Reviewers: Sofia Marchetti, Jonas Berg and Ana Lima"; an
      // item that is no person's name, "Release Engineering", is passed over)
      const list = (w >= 13 && w <= 17) || (w >= 30 && w <= 32);
      if (e < 0 && list) e = listItemEnd(s, a, n);
      for (let more = 0; more < 16 && e > 0 && list; more++) {
        let b = e;
        // (past a role in parentheses: "Sofia Marchetti (security), Rajesh Iyer (network)")
        if (b + 1 < n && byteAt(s, b) === 32 && byteAt(s, b + 1) === 40) {
          let close = b + 2;
          while (close < n && close - b < 32 && byteAt(s, close) !== 41) close++;
          if (close >= n || byteAt(s, close) !== 41) break;
          b = close + 1;
        }
        if (b + 1 < n && byteAt(s, b) === 44 && byteAt(s, b + 1) === 32) {
          b += 2;
          // (an escalation's order: "Marta Kowalczyk, then Tomasz Wieczorek")
          if (byteAt(s, b) === 116 && ch.matchesAt(s, b, n, "then ")) b += 5;
        } else if (andAt(s, b)) b += 5;
        else break;
        const f = personName(s, b, n);
        if (f < 0) {
          e = listItemEnd(s, b, n);
          continue;
        }
        count = span(count, b, f, HOST_PERSON);
        e = f;
      }
      p = ch.indexFrom(s, lit, e > a ? e : a > p + lit.length ? a : p + lit.length);
    }
  }
  // (and a chat's mention by a dotted login: "cc @priya.raghunathan"; not a decorator, @app.route( or @pytest.fixture,
  // nor an address or a mail domain, @gmail.com)
  let p = s.indexOf("@");
  while (p >= 0) {
    const before = p > 0 ? byteAt(s, p - 1) : 32;
    let e = p + 1;
    let dot = -1;
    let dots = 0;
    while (e < n && e - p < 48) {
      const c = byteAt(s, e);
      if (c === 46 && e > p + 2 && (cls(byteAt(s, e - 1)) & C_LOWER) !== 0) {
        dots++;
        if (dot < 0) dot = e;
      } else if ((cls(c) & C_LOWER) === 0) break;
      e++;
    }
    // (a sentence's full stop after it)
    if (e > p + 1 && byteAt(s, e - 1) === 46) {
      e--;
      dots--;
    }
    const after = e < n ? byteAt(s, e) : 10;
    // (not opening its line: a decorator does)
    let ls = p;
    while (ls > 0 && p - ls < 64 && (byteAt(s, ls - 1) === 32 || byteAt(s, ls - 1) === 9)) ls--;
    const opens = ls === 0 || byteAt(s, ls - 1) === 10;
    if (
      dots === 1 &&
      dot < e - 2 &&
      !opens &&
      (cls(before) & C_ALNUM) === 0 &&
      before !== 46 &&
      before !== 45 &&
      before !== 95 &&
      TLDS[sub(s, dot + 1, e)] === undefined &&
      DECORATOR_HEADS[sub(s, p + 1, dot)] !== true &&
      // (nor a file a command reads, `iam_request_headers=@headers.json`, curl's `-d @body.json`)
      before !== 61 &&
      AT_FILE_EXTENSIONS[sub(s, dot + 1, e)] !== true &&
      (after === 32 ||
        after === 44 ||
        after === 58 ||
        after === 41 ||
        after === 63 ||
        after === 33 ||
        after === 10 ||
        after === 46 ||
        after === 13)
    )
      count = span(count, p + 1, e, HOST_LOGIN);
    p = s.indexOf("@", e > p + 1 ? e : p + 1);
  }
  return count;
}
/**
 * A chat's speaker where a copied chat puts them: Slack's desktop copy opens a message with the speaker's name, two
 * blanks and the time ("Maria Oyelaran  9:41 AM"), Teams' with the time in brackets and "Last, First" ("[10:14 AM]
 * Okafor, Dana"). The name is two or three capitalised words (personName), or Teams' two around a comma.
 */
function chatSpeakers(s: string, n: number, count: number): number {
  for (let w = 0; w < 6; w++) {
    const lit =
      w === 0 ? " AM\n" : w === 1 ? " PM\n" : w === 2 ? " AM] " : w === 3 ? " PM] " : w === 4 ? " AM\r" : " PM\r";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      // the time before it, H:MM or HH:MM
      let t = p - 1;
      while (t >= 0 && p - t <= 2 && (cls(byteAt(s, t)) & C_DIGIT) !== 0) t--;
      let d = t - 1;
      while (d >= 0 && t - d <= 2 && (cls(byteAt(s, d)) & C_DIGIT) !== 0) d--;
      if (p - t === 3 && byteAt(s, t) === 58 && t - d >= 2) {
        if (w <= 1 || w >= 4) {
          // Slack: the name opens the line, two blanks (or one) before the time
          let ne = d + 1;
          while (ne > 0 && d + 1 - ne < 2 && byteAt(s, ne - 1) === 32) ne--;
          let ls = ne;
          // (bounded above personName's longest name in Lua's bytes: three words of 24 letters of two bytes)
          while (ls > 0 && ne - ls < 160 && byteAt(s, ls - 1) !== 10) ls--;
          if (
            ne < d + 1 &&
            (ls === 0 || byteAt(s, ls - 1) === 10) &&
            personName(s, ls, ne) === ne &&
            !schedule(s, ls, p)
          )
            count = span(count, ls, ne, HOST_PERSON);
        } else if (d >= 0 && byteAt(s, d) === ch.LBRACKET && (d === 0 || byteAt(s, d - 1) === 10)) {
          // Teams: "Last, First" (or a name) after the bracket, to the line's end
          const a = p + 5;
          let e = personName(s, a, n);
          // (the name ends its line, or a guest's mark or a message follows: "(Guest)", ": hello")
          let t = e;
          while (t > 0 && t < n && byteAt(s, t) === 32) t++;
          if (
            e > 0 &&
            t < n &&
            byteAt(s, t) !== 10 &&
            byteAt(s, t) !== 13 &&
            byteAt(s, t) !== 40 &&
            byteAt(s, e) !== 58
          )
            e = -1;
          if (e < 0) {
            const l = capitalWordEnd(s, a, n);
            const f = l > 0 && byteAt(s, l) === 44 && byteAt(s, l + 1) === 32 ? capitalWordEnd(s, l + 2, n) : -1;
            e = f > 0 && (f >= n || byteAt(s, f) === 10 || byteAt(s, f) === 13) ? f : -1;
          }
          if (e > 0) count = span(count, a, e, HOST_PERSON);
        }
      }
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  return count;
}

// (fifty-second pass) units of a Hangul syllable: 1 in Node, 3 bytes in Lua (Slack's Korean "\uc624\uc804 10:12")
const HANGUL_UNITS = "\uc624".length;
// a Jira comment's header in the locales it ships ("<name> added a comment - <date> <time>", de, fr, es, pt, it)
const COMMENT_PHRASES = [
  " added a comment",
  " hat einen Kommentar hinzugef\u00fcgt",
  " a ajout\u00e9 un commentaire",
  " agreg\u00f3 un comentario",
  " adicionou um coment\u00e1rio",
  " ha aggiunto un commento",
];

/**
 * Chats and trackers copied in other locales (fifty-second pass), read per line (each line's end and start looked at,
 * and the next line's end once): Slack's desktop copy with a 24-hour time ("Lukas Brandmeier  07:58", Korean's
 * "\ubc15\uc11c\uc5f0  \uc624\uc804 10:12"), Backlog's comment header with its date ("\u68ee\u672c \u62d3\u6d77  2024/06/05 10:41"), Jira's comment
 * header ("J\u00f6rg H\u00fcttenrauch hat einen Kommentar hinzugef\u00fcgt - 04.06.2024 09:26"), an Android WhatsApp export's
 * line ("04/06/2024 22:32 - Tha\u00eds Menezes: ..."), and Teams' copy with a 24-hour time ("[09:12] Ferr\u00e1ndiz Soler,
 * Ignacio"). The name is a person's in Latin letters (personName, or Teams' "Last, First") or in CJK letters
 * (cjkName); a speaker's line is not one of an agenda's (the next line does not end with a time too).
 */
function chatLines(s: string, n: number, count: number): number {
  let ls = 0;
  let p = ch.firstOf(s, "\n");
  SPEAKERS.n = 0;
  while (ls < n) {
    const le = p >= 0 ? p : n;
    count = chatLine(s, ls, le, n, count);
    if (p < 0) break;
    ls = p + 1;
    p = ch.indexFrom(s, "\n", ls);
  }
  // (a line of a name and a time alone is a speaker's only beside another: "Wartung Beginn  22:00" in a runbook, whose
  // nouns are capitalised, is none)
  if (SPEAKERS.n >= 2)
    for (let k = 0; k < SPEAKERS.n; k++) count = span(count, SPEAKERS.at[2 * k], SPEAKERS.at[2 * k + 1], HOST_PERSON);
  return count;
}
/** The speaker lines of chatLines' text with a name and a time only (emitted when there are two or more). */
const SPEAKERS = { n: 0, at: [] as number[] };

/** Where the time H:MM or HH:MM that ends s[ls, le) (a CR before le aside) starts, or -1. */
function endTime(s: string, ls: number, le: number): number {
  let e = le;
  if (e > ls && byteAt(s, e - 1) === 13) e--;
  if (e - ls < 6 || byteAt(s, e - 3) !== 58) return -1;
  if (ch.runOf(s, e - 2, e, C_DIGIT) !== 2 || (cls(byteAt(s, e - 4)) & C_DIGIT) === 0) return -1;
  return (cls(byteAt(s, e - 5)) & C_DIGIT) !== 0 ? e - 5 : e - 4;
}

/** Where a date ending at e starts (YYYY/MM/DD, YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY), or -1. */
function dateBefore(s: string, ls: number, e: number): number {
  if (e - ls < 10 || ch.runOf(s, e - 2, e, C_DIGIT) !== 2) return -1;
  const c = byteAt(s, e - 3);
  if ((c === 47 || c === 45) && byteAt(s, e - 6) === c && ch.runOf(s, e - 5, e - 3, C_DIGIT) === 2) {
    if (ch.runOf(s, e - 10, e - 6, C_DIGIT) === 4) return e - 10;
  }
  if (ch.runOf(s, e - 4, e, C_DIGIT) === 4 && (byteAt(s, e - 5) === 46 || byteAt(s, e - 5) === 47)) {
    const d = byteAt(s, e - 5);
    if (byteAt(s, e - 8) === d && ch.runOf(s, e - 7, e - 5, C_DIGIT) === 2 && ch.runOf(s, e - 10, e - 8, C_DIGIT) === 2)
      return e - 10;
  }
  return -1;
}

/** One line s[ls, le) of chatLines. */
function chatLine(s: string, ls: number, le: number, n: number, count: number): number {
  const t = endTime(s, ls, le);
  if (t > ls + 2 && byteAt(s, t - 1) === 32) {
    let b = t - 1;
    // (Korean's AM and PM before the time)
    const w = 2 * HANGUL_UNITS;
    let korean = false;
    if (
      b - w >= ls + 2 &&
      ch.charUnitsAt(s, b - w, 0xc624) > 0 &&
      (ch.charUnitsAt(s, b - HANGUL_UNITS, 0xc804) > 0 || ch.charUnitsAt(s, b - HANGUL_UNITS, 0xd6c4) > 0) &&
      byteAt(s, b - w - 1) === 32
    ) {
      b = b - w - 1;
      korean = true;
    } else {
      const d = dateBefore(s, ls, b);
      if (d > ls + 2 && byteAt(s, d - 1) === 32) b = d - 1;
      // (Jira's comment header: " - " before the date, the phrase before that)
      if (d > ls + 3 && byteAt(s, d - 2) === 45 && byteAt(s, d - 3) === 32) {
        const h = d - 3;
        for (let k = 0; k < COMMENT_PHRASES.length; k++) {
          const phrase = COMMENT_PHRASES[k];
          const a = h - phrase.length;
          if (a > ls && ch.matchesAt(s, a, h, phrase) && personName(s, ls, n) === a) {
            count = span(count, ls, a, HOST_PERSON);
            break;
          }
        }
      }
    }
    // the name, two blanks before the time (or the date, or Korean's AM/PM)
    if (b - ls >= 3 && b < t && byteAt(s, b - 1) === 32 && byteAt(s, b) === 32) {
      const ne = b - 1;
      // (a name of one CJK run, a Korean one, only before Korean's AM/PM: 開始時刻  10:00 is a schedule's)
      if ((personName(s, ls, n) === ne || cjkName(s, ls, n, korean) === ne) && !timedNext(s, le, n)) {
        if (korean) count = span(count, ls, ne, HOST_PERSON);
        else {
          SPEAKERS.at[2 * SPEAKERS.n] = ls;
          SPEAKERS.at[2 * SPEAKERS.n + 1] = ne;
          SPEAKERS.n++;
        }
      }
    }
  }
  const c = ls < le ? byteAt(s, ls) : 0;
  if ((cls(c) & C_DIGIT) !== 0) {
    // WhatsApp (Android's export): "<date>[,] <time> - <name>: <message>"
    let k = ls + ch.runOf(s, ls, le, C_DIGIT);
    for (let parts = 0; parts < 2 && k < le && byteAt(s, k) === 47; parts++) k += 1 + ch.runOf(s, k + 1, le, C_DIGIT);
    if (k - ls >= 6 && k < le && byteAt(s, k) === 44) k++;
    if (k - ls >= 6 && k + 1 < le && byteAt(s, k) === 32) {
      const h = k + 1;
      k = h + ch.runOf(s, h, le, C_DIGIT);
      if (k - h >= 1 && k - h <= 2 && byteAt(s, k) === 58 && ch.runOf(s, k + 1, le, C_DIGIT) === 2) {
        k += 3;
        if (byteAt(s, k) === 32 && (byteAt(s, k + 1) === 65 || byteAt(s, k + 1) === 80) && byteAt(s, k + 2) === 77)
          k += 3;
        if (k + 3 < le && byteAt(s, k) === 32 && byteAt(s, k + 1) === 45 && byteAt(s, k + 2) === 32) {
          const a = k + 3;
          const f = personName(s, a, n);
          if (f > a && f < le && byteAt(s, f) === 58) count = span(count, a, f, HOST_PERSON);
        }
      }
    }
  } else if (c === ch.LBRACKET) {
    // Teams with a 24-hour time: "[09:12] Last, First" or "[09:12] First Last" ending the line
    const k = ls + 1 + ch.runOf(s, ls + 1, le, C_DIGIT);
    if (
      k - ls >= 2 &&
      k - ls <= 3 &&
      byteAt(s, k) === 58 &&
      ch.runOf(s, k + 1, le, C_DIGIT) === 2 &&
      byteAt(s, k + 3) === ch.RBRACKET &&
      byteAt(s, k + 4) === 32
    ) {
      const a = k + 5;
      let e = le;
      if (e > a && byteAt(s, e - 1) === 13) e--;
      if (personName(s, a, n) === e || teamsName(s, a, n) === e) count = span(count, a, e, HOST_PERSON);
    }
  }
  return count;
}

/** True when the line after the one ending at le ends with a time too (an agenda's, a timetable's lines). */
function timedNext(s: string, le: number, n: number): boolean {
  if (le + 1 >= n) return false;
  let e = ch.indexFrom(s, "\n", le + 1);
  if (e < 0) e = n;
  return endTime(s, le + 1, e) > 0;
}

/** The end of a capitalised word at a in Latin letters (a capital or a letter beyond ASCII, then two or more), or -1. */
function latinWordEnd(s: string, a: number, n: number): number {
  if (a >= n) return -1;
  const l = (cls(byteAt(s, a)) & C_UPPER) !== 0 ? 1 : ch.latinLetterAt(s, a);
  if (l === 0) return -1;
  let w = a + l;
  let letters = 1;
  while (w < n && letters < 24) {
    const c = byteAt(s, w);
    const m = (cls(c) & C_LOWER) !== 0 || c === 45 || c === 39 ? 1 : ch.latinLetterAt(s, w);
    if (m === 0) break;
    w += m;
    letters++;
  }
  if (letters < 3) return -1;
  const word = sub(s, a, w).toLowerCase();
  return ROLE_WORDS[word] === true || NOT_PERSON_WORDS[word] === true ? -1 : w;
}

/** Teams' "Last, First" at a (one or two words each side, Latin letters): its end, or -1. */
function teamsName(s: string, a: number, n: number): number {
  let e = latinWordEnd(s, a, n);
  if (e > 0 && byteAt(s, e) === 32) {
    const f = latinWordEnd(s, e + 1, n);
    if (f > 0 && byteAt(s, f) === 44) e = f;
  }
  if (e < 0 || byteAt(s, e) !== 44 || byteAt(s, e + 1) !== 32) return -1;
  let f = latinWordEnd(s, e + 2, n);
  if (f > 0 && byteAt(s, f) === 32) {
    const g = latinWordEnd(s, f + 1, n);
    if (g > 0) f = g;
  }
  return f;
}

/**
 * The end of a person's name in CJK letters at a: a family and a given name of 1-4 letters each, one blank (or an
 * ideographic space) between (\u4f50\u85e4 \u5065\u592a), or, when single (where a Chinese or a Korean name stands), 2-4 letters
 * without one (\ubc15\uc11c\uc5f0, \u738b\u6d69\u7136): a Japanese field's \u672a\u5b9a (undecided) is no one. -1 when there is none.
 */
function cjkName(s: string, a: number, n: number, single: boolean): number {
  let e = a;
  let first = 0;
  while (e < n && first < 5) {
    const u = ch.cjkLetterAt(s, e);
    if (u === 0) break;
    e += u;
    first++;
  }
  if (first === 0 || first > 4) return -1;
  const gap = byteAt(s, e) === 32 ? 1 : ch.charUnitsAt(s, e, 0x3000);
  if (gap > 0) {
    let f = e + gap;
    let second = 0;
    while (f < n && second < 5) {
      const u = ch.cjkLetterAt(s, f);
      if (u === 0) break;
      f += u;
      second++;
    }
    if (second >= 1 && second <= 4) return f;
  }
  return single && first >= 2 ? e : -1;
}

// (fifty-second pass) a ticket's or a document's people fields in other languages: Jira's German fields (Bearbeiter,
// Autor, Melder), a French or Spanish document's (R\u00e9daction, Relecture, Auteur, Responsable, Propietario), Backlog's
// and Redmine's Japanese (\u62c5\u5f53\u8005, \u5831\u544a\u8005, \u767b\u9332\u8005, \u4f5c\u6210\u8005), Chinese (\u8d1f\u8d23\u4eba, \u7ef4\u62a4\u4eba), Korean (\uc791\uc131\uc790, \uac80\ud1a0\uc790, \ub2f4\ub2f9\uc790)
const PERSON_LABELS = [
  "Bearbeiter",
  "Autor",
  "Melder",
  "Auteur",
  "R\u00e9daction",
  "Relecture",
  "Responsable",
  "Propietario",
  "Respons\u00e1vel",
  "\u62c5\u5f53\u8005",
  "\u5831\u544a\u8005",
  "\u767b\u9332\u8005",
  "\u4f5c\u6210\u8005",
  "\u8d1f\u8d23\u4eba",
  "\u7ef4\u62a4\u4eba",
  "\uc791\uc131\uc790",
  "\uac80\ud1a0\uc790",
  "\ub2f4\ub2f9\uc790",
];
const CJK_SINGLE_LABELS = PERSON_LABELS.indexOf("\u8d1f\u8d23\u4eba");

/**
 * People after PERSON_LABELS: the label opens a word (no letter before it, ASCII or Latin), then its separator: ":"
 * (also full-width, blanks and no-break blanks before it, a bold label's "**" after), a table's "|", or two blanks or a
 * tab (Backlog's and Jira's aligned fields); then a person's name (personName, cjkName) and a list of more after ", "
 * or "\u3001" (at most 8). The label's text, at most 8 units of separators and 24 of blanks, is all it reads before the
 * name.
 */
function localizedPersonLabels(s: string, n: number, count: number): number {
  for (let w = 0; w < PERSON_LABELS.length; w++) {
    const lit = PERSON_LABELS[w];
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      const before = p > 0 ? byteAt(s, p - 1) : 32;
      if ((cls(before) & (C_LOWER | C_UPPER | C_DIGIT)) === 0 && ch.latinLetterBefore(s, p) === 0) {
        let seps = 0;
        let blanks = 0;
        while (a < n && a - p - lit.length < 32) {
          const u = ch.blankUnitsAt(s, a);
          if (u > 0) {
            a += u;
            blanks += byteAt(s, a - 1) === 9 ? 2 : 1;
            continue;
          }
          const c = byteAt(s, a);
          const f = ch.fullWidthAt(s, a, 58);
          if (c === 58 || c === ch.PIPE || f > 0) {
            seps++;
            a += f > 0 ? f : 1;
          } else if (c === 42 && seps > 0) a++;
          else break;
        }
        if (seps > 0 || blanks >= 2) {
          // (a name of one CJK run only after a Chinese or a Korean label)
          const single = w >= CJK_SINGLE_LABELS;
          let e = personName(s, a, n);
          if (e < 0) e = cjkName(s, a, n, single);
          for (let more = 0; more < 8 && e > 0; more++) {
            count = span(count, a, e, HOST_PERSON);
            const next = byteAt(s, e) === 44 && byteAt(s, e + 1) === 32 ? e + 2 : e + ch.charUnitsAt(s, e, 0x3001);
            if (next === e) break;
            a = next;
            e = personName(s, a, n);
            if (e < 0) e = cjkName(s, a, n, single);
          }
        }
      }
      p = ch.indexFrom(s, lit, a > p + lit.length ? a : p + lit.length);
    }
  }
  return count;
}

/**
 * People in a ticket's or a tracker's markup (forty-ninth pass): Jira wiki markup's mention `[~login]` and
 * `[~accountid:<id>]` (a login of 3-64 letters, digits, ".", "_", "-", no "a-z" range), and the bold author opening a
 * comment that Linear's and GitHub's copies put on a line of its own, `**Jonas Eriksen** commented` or `**Jonas
 * Eriksen** · 2d ago` (a person's name: personName).
 */
function ticketMentions(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, "[~");
  while (p >= 0) {
    let a = p + 2;
    if (ch.matchesAt(s, a, n, "accountid:")) a += 10;
    let e = a;
    while (e < n && e - a < 64 && (localUnit(byteAt(s, e)) || byteAt(s, e) === 58)) e++;
    if (
      e - a >= 3 &&
      e < n &&
      byteAt(s, e) === 93 &&
      (cls(byteAt(s, a)) & C_ALNUM) !== 0 &&
      byteAt(s, a + 1) !== 45 &&
      lettered(s, a, e)
    )
      count = span(count, a, e, HOST_LOGIN);
    p = ch.indexFrom(s, "[~", e > p + 2 ? e : p + 2);
  }
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "** commented" : "** \u00b7 ";
    let q = ch.firstOf(s, lit);
    while (q >= 0) {
      // the line's "**" before the name (bounded: three words of 24 letters of two bytes in Lua)
      let a = q;
      while (a > 0 && q - a < 160 && byteAt(s, a - 1) !== 10 && byteAt(s, a - 1) !== 42) a--;
      // (the line's start before "**": a list's "- ", a quote's "> " or an indent may come first; after "· " a
      // comment's time, "2d ago", "yesterday", "edited": a bold label, "**Breaking Changes** · see below", is no one)
      let h = a - 2;
      while (h > 0 && a - 2 - h < 8 && (byteAt(s, h - 1) === 32 || byteAt(s, h - 1) === 62 || byteAt(s, h - 1) === 45))
        h--;
      if (
        a >= 2 &&
        byteAt(s, a - 1) === 42 &&
        byteAt(s, a - 2) === 42 &&
        (h === 0 || byteAt(s, h - 1) === 10) &&
        (w === 0 || commentTime(s, q + lit.length, n)) &&
        personName(s, a, n) === q
      )
        count = span(count, a, q, HOST_PERSON);
      q = ch.indexFrom(s, lit, q + lit.length);
    }
  }
  // (fiftieth pass) a stand-up's bold heading of a person, the short name and then the full one alone on its line,
  // "**Ana (Ana Ferreira)**": the short name is the full one's first word (not "**Goals (Next Quarter)**", "**SSO
  // (Single Sign On)**": learned, the words would be masked everywhere)
  let q = ch.firstOf(s, ")**");
  while (q >= 0) {
    let a = q;
    while (a > 0 && q - a < 80 && byteAt(s, a - 1) !== 40 && byteAt(s, a - 1) !== 10) a--;
    let h = a - 2;
    while (h > 0 && a - 2 - h < 24 && ((cls(byteAt(s, h - 1)) & (C_LOWER | C_UPPER)) !== 0 || byteAt(s, h - 1) >= 128))
      h--;
    let same = h > 0 && a - 2 - h > 0 && a + (a - 2 - h) < q && byteAt(s, a + (a - 2 - h)) === 32;
    for (let k = 0; same && k < a - 2 - h; k++) same = byteAt(s, h + k) === byteAt(s, a + k);
    if (
      same &&
      a >= 6 &&
      byteAt(s, a - 1) === 40 &&
      byteAt(s, a - 2) === 32 &&
      h >= 2 &&
      h < a - 3 &&
      byteAt(s, h - 1) === 42 &&
      byteAt(s, h - 2) === 42 &&
      (h === 2 || byteAt(s, h - 3) === 10) &&
      (q + 3 >= n || byteAt(s, q + 3) === 10 || byteAt(s, q + 3) === 13) &&
      personName(s, a, n) === q
    )
      count = span(count, a, q, HOST_PERSON);
    q = ch.indexFrom(s, ")**", q + 3);
  }
  return count;
}

/**
 * A document's review line with its date (fiftieth pass): "Last reviewed: 2024-01-19 by Lukas Weber", "reviewed
 * 2024-01-19 by x", "Last updated: 2024-01-19 by x" (a runbook's or a wiki page's footer; the date ISO's or written
 * with "/" or "."): the person after it, and a second one after " and ". (fifty-first pass) Any date of four, two and
 * two digits (or two, two and four) before " by ": "Last rotation: 2024-11-03 by Priya Raman", "signed 03/11/2024 by x".
 */
function reviewedByDate(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, " by ");
  while (p >= 0) {
    const b = p >= 10 && p + 4 < n && datedAt(s, p - 10) ? personName(s, p + 4, n) : -1;
    if (b > 0) {
      count = span(count, p + 4, b, HOST_PERSON);
      const b2 = ch.matchesAt(s, b, n, " and ") ? personName(s, b + 5, n) : -1;
      if (b2 > 0) count = span(count, b + 5, b2, HOST_PERSON);
    }
    p = ch.indexFrom(s, " by ", p + 4);
  }
  for (let w = 0; w < 2; w++) {
    const lit = w === 0 ? "eviewed" : "pdated";
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let a = p + lit.length;
      if (a < n && byteAt(s, a) === 58) a++;
      const d = a + 1;
      let e = d;
      while (
        e < n &&
        e - d < 12 &&
        ((cls(byteAt(s, e)) & C_DIGIT) !== 0 || byteAt(s, e) === 45 || byteAt(s, e) === 47 || byteAt(s, e) === 46)
      )
        e++;
      const h = p >= 1 ? byteAt(s, p - 1) : 0;
      if (
        byteAt(s, a) === 32 &&
        e - d >= 8 &&
        (w === 0 ? h === 114 || h === 82 : h === 117 || h === 85) &&
        ch.matchesAt(s, e, n, " by ") &&
        e + 4 < n
      ) {
        const b = personName(s, e + 4, n);
        if (b > 0) {
          count = span(count, e + 4, b, HOST_PERSON);
          const b2 = ch.matchesAt(s, b, n, " and ") ? personName(s, b + 5, n) : -1;
          if (b2 > 0) count = span(count, b + 5, b2, HOST_PERSON);
        }
      }
      p = ch.indexFrom(s, lit, p + lit.length);
    }
  }
  return count;
}

/**
 * True when s[k, k + 10) is a date standing alone: 2024-11-03, 2024/11/03, 2024.11.03 or 03/11/2024 (one separator
 * twice), after a field's label ("Last rotation: ") or the word "on" ("rotated on 2024-11-03"; not "Sorted
 * 2024-11-03 by Region Name").
 */
function datedAt(s: string, k: number): boolean {
  if (k < 3 || byteAt(s, k - 1) !== 32) return false;
  const l0 = byteAt(s, k - 2);
  const l1 = byteAt(s, k - 3);
  if (!(l0 === 58 || (l0 === 110 && l1 === 111 && (k < 4 || (cls(byteAt(s, k - 4)) & C_ALNUM) === 0)))) return false;
  const sep = byteAt(s, k + 4) === 45 || byteAt(s, k + 4) === 47 || byteAt(s, k + 4) === 46 ? 4 : 2;
  const c = byteAt(s, k + sep);
  if ((c !== 45 && c !== 47 && c !== 46) || byteAt(s, k + sep + 3) !== c) return false;
  for (let d = k; d < k + 10; d++)
    if (d !== k + sep && d !== k + sep + 3 && (cls(byteAt(s, d)) & C_DIGIT) === 0) return false;
  return true;
}

/** True when a comment's time starts at k: "2d ago", "3 hours ago", "yesterday", "just now", "today", "edited". */
function commentTime(s: string, k: number, n: number): boolean {
  const d = k;
  while (k < n && k - d < 4 && (cls(byteAt(s, k)) & C_DIGIT) !== 0) k++;
  if (k === d)
    return (
      ch.matchesAt(s, k, n, "yesterday") ||
      ch.matchesAt(s, k, n, "just now") ||
      ch.matchesAt(s, k, n, "today") ||
      ch.matchesAt(s, k, n, "edited")
    );
  if (k < n && byteAt(s, k) === 32) k++;
  const u = k;
  while (k < n && k - u < 8 && (cls(byteAt(s, k)) & C_LOWER) !== 0) k++;
  return k > u && ch.matchesAt(s, k, n, " ago");
}

/** True when s[a, b) holds a letter. */
function lettered(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if ((cls(byteAt(s, k)) & (C_LOWER | C_UPPER)) !== 0) return true;
  return false;
}

/**
 * True when a field's one name ends at e: not when a word goes on after one blank (Lead: Time Series forecasting),
 * unless a connective (Dana Okafor and Jonas Berg, on 2024-01-05, from Payments) or a separator (two blanks, "|",
 * "-", "/", punctuation) follows.
 */
function fieldEnd(s: string, e: number, n: number): boolean {
  if (e + 1 >= n || byteAt(s, e) !== 32) return true;
  const c = byteAt(s, e + 1);
  if ((cls(c) & (C_LOWER | C_UPPER | C_DIGIT)) === 0 || c >= 128) return c < 128;
  let w = e + 1;
  while (w < n && w - e < 8 && (cls(byteAt(s, w)) & C_LOWER) !== 0) w++;
  return FIELD_CONNECTIVES[sub(s, e + 1, w)] === true && (w >= n || (cls(byteAt(s, w)) & (C_LOWER | C_UPPER)) === 0);
}
/**
 * Where the name after a cue of prose found at p (its text ending at a) starts, or -1: the cue opens a word (its first
 * letter head, either case, at p - 1), then ",", ":" or nothing, one or two blanks, and after "hire" an "is "
 * ("the new hire, Tariq Aziz", "New hire: x", "our new hire is x", "team lead is: x").
 */
function cueStarts(s: string, p: number, a: number, n: number, head: number): number {
  if (p < 1 || (byteAt(s, p - 1) | 32) !== head || (p >= 2 && (cls(byteAt(s, p - 2)) & C_ALNUM) !== 0)) return -1;
  if (a < n && (byteAt(s, a) === 44 || byteAt(s, a) === 58)) a++;
  const from = a;
  while (a < n && a - from < 2 && byteAt(s, a) === 32) a++;
  if (a === from) return -1;
  if (head === 110 && ch.matchesAt(s, a, n, "is ")) a += 3;
  return a;
}
/** True when s[a, e), a name after a cue of prose, holds no title's word (CUE_WORDS) and no ":" follows it. */
function cueName(s: string, a: number, e: number, n: number): boolean {
  if (e < n && byteAt(s, e) === 58) return false;
  let k = a;
  while (k < e) {
    let w = k;
    while (w < e && byteAt(s, w) !== 32) w++;
    if (CUE_WORDS[sub(s, k, w).toLowerCase()] === true) return false;
    k = w + 1;
  }
  return true;
}
// (forty-ninth pass) what a cue of prose names that is no one: "New hire Onboarding Checklist", "new hire Starter Kit",
// "the team lead is Not Assigned", "please welcome Kubernetes Operators" (only there: Buddy is a given name)
const CUE_WORDS = setOf(
  "onboarding,checklist,orientation,training,guide,handbook,program,buddy,setup,kit,packet,welcome,day,one,assigned," +
    "owner,operators,operator,not,new,product,starter,laptop,users,user,kubernetes,pack,session,sessions,week,month," +
    "process,portal,form,forms,tbd,vacant,open,pending,none,docs,notes,survey,tasks,task",
  ",",
);
const FIELD_CONNECTIVES = setOf("and,on,from,at,in,to,for,via,is,was,will,has,with,or", ",");

/**
 * True when the "<words>  <time>" line at [ls, t) is a schedule's, not a chat's speaker: the line before or after it
 * is an event's at a time (an agenda: "Daily Standup  9:30 AM", "Sprint Review  2:00 PM"), not a person's.
 */
function schedule(s: string, ls: number, t: number): boolean {
  const le = s.indexOf("\n", t);
  if (le >= 0 && eventLine(s, le + 1)) return true;
  if (ls < 2) return false;
  // (the line before: walked back once per speaker line, each line by at most the one after it)
  let ps = ls - 1;
  while (ps > 0 && byteAt(s, ps - 1) !== 10) ps--;
  return eventLine(s, ps);
}

/** True when the line at a ends with two blanks and a time (H:MM AM or PM) after words that are no person's name. */
function eventLine(s: string, a: number): boolean {
  let e = s.indexOf("\n", a);
  if (e < 0) e = s.length;
  if (e > a && byteAt(s, e - 1) === 13) e--;
  if (e - a < 10 || byteAt(s, e - 1) !== 77 || byteAt(s, e - 3) !== 32) return false;
  let t = e - 4;
  while (t > a && e - 4 - t < 5 && (byteAt(s, t) === 58 || (cls(byteAt(s, t)) & C_DIGIT) !== 0)) t--;
  return byteAt(s, t) === 32 && byteAt(s, t - 1) === 32 && personName(s, a, t - 1) !== t - 1;
}

/** The end of a capitalised word at a (a capital, then two letters or more, "-" or "'"), no team's or tool's; or -1. */
function capitalWordEnd(s: string, a: number, n: number): number {
  if (a >= n || (cls(byteAt(s, a)) & C_UPPER) === 0) return -1;
  let e = a + 1;
  while (e < n && e - a < 24 && ((cls(byteAt(s, e)) & C_LOWER) !== 0 || byteAt(s, e) === 45 || byteAt(s, e) === 39))
    e++;
  if (e - a < 3 || (e < n && (cls(byteAt(s, e)) & C_ALNUM) !== 0)) return -1;
  const word = sub(s, a, e).toLowerCase();
  return ROLE_WORDS[word] === true || NOT_PERSON_WORDS[word] === true ? -1 : e;
}

/** True when a table's column title s[a, b) names people (Owner, Assignee, Lead, assigned_to, Supported by ...). */
export function personColumn(s: string, a: number, b: number): boolean {
  while (a < b && byteAt(s, a) === 42) a++;
  while (b > a && byteAt(s, b - 1) === 42) b--;
  if (b - a < 3 || b - a > 24) return false;
  const title = sub(s, a, b).toLowerCase();
  return PERSON_COLUMNS[title] === true || (SCHEDULE_COLUMNS[title] === true && scheduleHeader(s, a));
}
// (review of the fifty-first pass) an on-call schedule's titles, which name people only in a schedule's header: in a
// DR, storage or architecture table the cells under them are regions, tiers and modes (US East, General Purpose, Warm
// Standby: each was learned as a person's name)
const SCHEDULE_COLUMNS = setOf("primary,secondary,backup,escalation", ",");
// (scheduleHeader: a schedule's first column, its time's)
const TIME_COLUMNS = setOf(
  "week,weeks,week of,week starting,date,dates,start date,date range,day,days,shift,start,starts,from,period," +
    "rotation,month,when",
  ",",
);

/**
 * True when the header line holding a, a table's, CSV's or TSV's, opens with a time's column title (TIME_COLUMNS:
 * "| Week | Primary | Secondary |", "Date,Primary,Backup"). The walk back to the line's start is bounded by 256 units and
 * the first title by 24.
 */
function scheduleHeader(s: string, a: number): boolean {
  let ls = a;
  while (ls > 0 && a - ls < 256 && byteAt(s, ls - 1) !== 10) ls--;
  if (ls > 0 && byteAt(s, ls - 1) !== 10) return false;
  while (ls < a && (byteAt(s, ls) === 124 || byteAt(s, ls) === 32 || byteAt(s, ls) === 42 || byteAt(s, ls) === 34))
    ls++;
  let e = ls;
  while (e < a && e - ls < 24 && ((cls(byteAt(s, e)) & (C_LOWER | C_UPPER)) !== 0 || byteAt(s, e) === 32)) e++;
  const c = byteAt(s, e);
  if (e >= a || !(c === 124 || c === 44 || c === 9 || c === 42 || c === 34 || c === 32)) return false;
  while (e > ls && byteAt(s, e - 1) === 32) e--;
  return e > ls && TIME_COLUMNS[sub(s, ls, e).toLowerCase()] === true;
}
const PERSON_COLUMNS = setOf(
  "owner,owners,assignee,assigned to,assigned_to,lead,tech lead,team lead,author,authors,reporter,on-call,oncall," +
    "on call,supported by,supported_by,owned by,owned_by,managed by,managed_by,budget owner,business owner," +
    "technical owner,tech owner,service owner,app owner,data owner,product owner,point of contact,requester," +
    "requested by,approver,reviewer,incident commander,commander,engineer,manager,contact person,dri,tam," +
    // (fifty-first pass) an on-call schedule's (PagerDuty's and Opsgenie's exports), a review's and a meeting's
    "escalation manager,reviewers,approvers,approved by,tested by,prepared by,attendees,participants,notes by",
  ",",
);

/** True when s[a, b) is a person's name alone (personName): a cell under a people's column. */
export function personCell(s: string, a: number, b: number): boolean {
  return b - a >= 5 && personName(s, a, b) === b;
}

// the extensions of files a command reads by "@<file>" (vault write k=@file, curl -d @file, aws --cli-input-json)
const AT_FILE_EXTENSIONS = setOf(
  "json,yaml,yml,txt,csv,xml,hcl,pem,crt,key,sh,py,js,sql,env,conf,cfg,ini,toml,bin,zip",
  ",",
);
const DECORATOR_HEADS = setOf(
  "pytest,app,functools,dataclasses,property,abc,typing,router,api,mock,patch,unittest,bp,blueprint,celery,click,validator,staticmethod,classmethod,dp,bot",
  ",",
);
// (and a form's field, "Supported by:", "Managed by:": after these verbs a product or a team stands more often in prose)
const FIELD_VERBS = setOf("supported,managed", ",");
// (the verbs before "to" a person stands after)
const TO_VERBS = setOf("assigned,reassigned,escalated,handed", ",");
const PERSON_VERBS = setOf(
  "requested,approved,reported,raised,opened,created,acknowledged,acked,resolved,escalated,paged,reviewed,owned,signed," +
    "assigned,handed,reassigned,led,authored,written,submitted,maintained,tested,prepared",
  ",",
);
// Words of services, products and teams that stand after the same words as people do ("created by Auto Scaling",
// "reported by Trusted Advisor", "owner: Data Platform"): no person's name holds one
const NOT_PERSON_WORDS = setOf(
  "group,set,manager,advisor,scaling,functions,tower,owners,corporation,board,platform,service,services,systems,hub," +
    "analyzer,center,console,gateway,encrypt,chrome,beanstalk,code,data,health,check,cloud,web,elastic,step,target," +
    "control,trusted,incident,permission,change,auto,identity,access,directory,pipeline,build,deploy,job,rule,policy," +
    "error,warning,debug,connection,refused,failed,request,response,server,client,cluster,node,instance,database," +
    "account,default,root,inc,ltd,llc,gmbh,engineering,network,networking,finance,legal,operations,infrastructure," +
    "logs,analytics,internet,public,tier,alarm,alarms,limited,windows,linux,robot,workspace,cd,hat,tac,team,teams," +
    "response,management,success,release,careers,press,payroll,sales,marketing,office,desk,bot,agent,argo,jenkins," +
    // (forty-eighth pass: schedules', notifications' and tools' words a copied chat or a ticket puts where a person's
    // name stands)
    "standup,sprint,review,retro,planning,daily,weekly,nightly,meeting,sync,demo,call,window,maintenance,completed," +
    "reporter,author,unknown,series,app,integration,digest,reminder,enterprise," +
    // (review of the fifty-first pass: a report's group-by dimensions and AWS's tools after "<date> by", a review's
    // "Not Applicable")
    "type,types,name,names,usage,explorer,optimizer,region,applicable",
  ",",
);

/**
 * The end of a person's name at a: two or three words, each a capital (or a letter beyond ASCII) and then letters,
 * "-" or "'" (Ravi Menon-Castellanos, Siobhán O'Neill, Fiona McAllister), the last ending at no letter, digit or "-";
 * -1 when there is none or a word is a team's or a tool's (ROLE_WORDS).
 */
function personName(s: string, a: number, n: number): number {
  let e = a;
  let words = 0;
  for (; words < 3 && e < n; words++) {
    const l = (cls(byteAt(s, e)) & C_UPPER) !== 0 ? 1 : ch.latinLetterAt(s, e);
    if (l === 0) break;
    let w = e + l;
    // (letters counted, not units: a letter beyond ASCII is one unit in Node, two bytes in Lua)
    let letters = 1;
    while (w < n && letters < 24) {
      const c = byteAt(s, w);
      const m = (cls(c) & (C_LOWER | C_UPPER)) !== 0 || c === 45 || c === 39 ? 1 : ch.latinLetterAt(s, w);
      if (m === 0) break;
      w += m;
      letters++;
    }
    if (letters < 2 || ((cls(byteAt(s, w - 1)) & (C_LOWER | C_UPPER)) === 0 && ch.latinLetterBefore(s, w) === 0)) break;
    const word = sub(s, e, w).toLowerCase();
    if (ROLE_WORDS[word] === true || NOT_PERSON_WORDS[word] === true) return -1;
    e = w;
    const next = e + 1 < n && byteAt(s, e) === 32 ? byteAt(s, e + 1) : 0;
    if (words < 2 && ((cls(next) & C_UPPER) !== 0 || (next >= 128 && ch.latinLetterAt(s, e + 1) > 0))) e++;
    else {
      words++;
      break;
    }
  }
  if (words < 2) return -1;
  const c = e < n ? byteAt(s, e) : 32;
  return (cls(c) & C_ALNUM) !== 0 || c === 45 || ch.latinLetterAt(s, e) > 0 ? -1 : e;
}

/**
 * A tag policy's allowed values (Organizations' tag policy syntax, "tag_value": {"@@assign": ["CC-4471", "70231"]},
 * and the effective policy's "tag_value": [...] in escaped JSON): the company's teams, cost centers and customers, each
 * a name but one plain word (prod, Platform). At most 64 values of 128 units, the list found within 64 units.
 */
function tagPolicyValues(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, "tag_value");
  while (p >= 0) {
    let q = p + 9;
    const lim = q + 64 < n ? q + 64 : n;
    while (q < lim && byteAt(s, q) !== 91 && byteAt(s, q) !== 93 && byteAt(s, q) !== 125 && byteAt(s, q) !== 44) q++;
    if (q < lim && byteAt(s, q) === 91) {
      q++;
      for (let items = 0; items < 64 && q < n; items++) {
        // to the next value's quote (blanks, line feeds, commas and an escaping backslash before it)
        while (q < n && (byteAt(s, q) <= 32 || byteAt(s, q) === 44 || byteAt(s, q) === 92)) q++;
        if (q >= n || byteAt(s, q) !== 34) break;
        const a = q + 1;
        let b = a;
        while (b < n && b - a < 128 && byteAt(s, b) !== 34 && byteAt(s, b) !== 92 && byteAt(s, b) !== 10) b++;
        if (b >= n || (byteAt(s, b) !== 34 && byteAt(s, b) !== 92)) break;
        const plain = ch.plainWord(s, a, b);
        if (b - a >= 2 && !plain) count = span(count, a, b, HOST_ACCOUNT);
        q = byteAt(s, b) === 92 ? b + 2 : b + 1;
      }
    }
    p = ch.indexFrom(s, "tag_value", q > p + 9 ? q : p + 9);
  }
  return count;
}

// (tagValueToken's kind for plausibleName)
const TAG_VALUE_KIND = KINDS.filter((k) => k.id === "resource-name")[0];

/**
 * True when s[a, b) may be a tag's value of the company's (fifty-second pass): a token of name units with a letter, not
 * one plain word (prod, Platform: learned, it would be masked in prose too), or 2-8 words (spacedName: Treasury Ops).
 */
function tagValueToken(s: string, a: number, b: number): boolean {
  if (b - a < 2 || b - a > 128 || ch.plainWord(s, a, b)) return false;
  let letters = 0;
  let blank = false;
  for (let k = a; k < b; k++) {
    const c = byteAt(s, k);
    if (c === 32) blank = true;
    else if (!isNameUnit(c)) return false;
    else if ((cls(c) & (C_LOWER | C_UPPER)) !== 0) letters++;
  }
  if (letters === 0 || (blank && !spacedName(s, a, b))) return false;
  // (review: a token is a name as a tag's value under a key is, plausibleName: not AWS's own, a region, an Availability
  // Zone, an instance type: us-east-1, eu-west-1b, t3.micro; learned, a region was masked in every ARN of the request)
  if (!blank && !plausibleName(s, a, b, TAG_VALUE_KIND)) return false;
  // (not a resource's id, read by its own kind: i-0c7a91e4f2b38d615, vol-0a83f5d2c19e47b60)
  const h = a + ch.runOf(s, a, a + 12 < b ? a + 12 : b, C_LOWER);
  return !(h > a && h + 9 <= b && byteAt(s, h) === 45 && ch.runOf(s, h + 1, b, ch.C_HEX) === b - h - 1);
}

// AWS Config's managed rule REQUIRED_TAGS: its parameters tag1Key ... tag6Key and their allowed values
const REQUIRED_TAG_VALUES = ["tag1Value", "tag2Value", "tag3Value", "tag4Value", "tag5Value", "tag6Value"];

/**
 * The allowed values of AWS Config's REQUIRED_TAGS rule (fifty-second pass): its InputParameters
 * `{"tag1Key":"CostCenter","tag1Value":"CC-4471,FIN-0932"}` (JSON, escaped JSON in describe-config-rules, a
 * template's `tag1Value: a,b`, Terraform's `tag1Value = "a,b"`): each comma-separated value a tag's value
 * (tagValueToken). At most 64 values within 1,024 units of the key.
 */
function requiredTagValues(s: string, n: number, count: number): number {
  for (const lit of REQUIRED_TAG_VALUES) {
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      let q = p + 9;
      // (the key's closing quote, escaped or not, the separator, blanks, the value's opening quote)
      while (q < n && q - p < 24 && (byteAt(s, q) === 92 || byteAt(s, q) === 34 || byteAt(s, q) === 39)) q++;
      while (q < n && q - p < 24 && (byteAt(s, q) === 32 || byteAt(s, q) === 9)) q++;
      const sep = q < n ? byteAt(s, q) : 0;
      if (sep === 58 || sep === 61) {
        q++;
        while (q < n && q - p < 32 && (byteAt(s, q) === 32 || byteAt(s, q) === 9)) q++;
        while (q < n && q - p < 32 && (byteAt(s, q) === 92 || byteAt(s, q) === 34 || byteAt(s, q) === 39)) q++;
        const lim = q + 1024 < n ? q + 1024 : n;
        for (let items = 0; items < 64 && q < lim; items++) {
          let e = q;
          while (e < lim && byteAt(s, e) !== 44 && byteAt(s, e) !== 34 && byteAt(s, e) !== 39 && byteAt(s, e) !== 92) {
            if (byteAt(s, e) === 10 || byteAt(s, e) === 13) break;
            e++;
          }
          let a = q;
          let b = e;
          while (a < b && byteAt(s, a) === 32) a++;
          while (b > a && byteAt(s, b - 1) === 32) b--;
          if (tagValueToken(s, a, b)) count = span(count, a, b, HOST_ACCOUNT);
          if (e >= lim || byteAt(s, e) !== 44) {
            q = e;
            break;
          }
          q = e + 1;
        }
      }
      p = ch.indexFrom(s, lit, q > p + 9 ? q : p + 9);
    }
  }
  return count;
}

/**
 * A Cost Categories rule's value (fifty-second pass): describe-cost-category-definition's and a template's
 * `"Value": "Treasury Ops",` right before the rule's `"Rule": {` in the same object, the category's value the rule maps
 * resources to (a business unit, a team). Read back from each `"Rule"`, at most 192 units.
 */
function costCategoryValues(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, '"Rule"');
  while (p >= 0) {
    // (review: the rule is an object, "Rule": {"Dimensions": ...}; a WAF's or a form's "Rule": "rate-limit" is none)
    let o = p + 6;
    while (o < n && o - p < 16 && byteAt(s, o) <= 32) o++;
    if (o < n && byteAt(s, o) === 58) o++;
    while (o < n && o - p < 24 && byteAt(s, o) <= 32) o++;
    let k = o < n && byteAt(s, o) === 123 ? p : 0;
    while (k > 0 && p - k < 64 && byteAt(s, k - 1) <= 32) k--;
    if (k > 0 && byteAt(s, k - 1) === 44) {
      k--;
      while (k > 0 && p - k < 96 && byteAt(s, k - 1) <= 32) k--;
      if (k > 1 && byteAt(s, k - 1) === 34) {
        const b = k - 1;
        let a = b;
        while (a > 0 && b - a < 128 && byteAt(s, a - 1) !== 34 && byteAt(s, a - 1) !== 10) a--;
        let v = a - 1;
        if (v > 0 && byteAt(s, v) === 34) {
          while (v > 0 && a - v < 32 && byteAt(s, v - 1) <= 32) v--;
          if (
            v > 8 &&
            byteAt(s, v - 1) === 58 &&
            ch.matchesAt(s, v - 8, v - 1, '"Value"') &&
            (byteAt(s, v - 9) <= 32 || byteAt(s, v - 9) === 123) &&
            tagValueToken(s, a, b)
          )
            count = span(count, a, b, HOST_ACCOUNT);
        }
      }
    }
    p = ch.indexFrom(s, '"Rule"', p + 6);
  }
  return count;
}

// (proseTagValues' words: a cost center's before its code, a tag's value and a cost category before a quoted name)
const COST_CENTER_WORDS = [
  "CostCenter",
  "costcenter",
  "cost center",
  "Cost center",
  "Cost Center",
  "cost centre",
  "Cost centre",
  "Cost Centre",
];
const QUOTED_VALUE_WORDS = ['tag value "', 'Tag value "', 'cost category "', 'Cost category "', 'Cost Category "'];

/**
 * Tags' values in prose (fifty-second pass), as FinOps notes write them: a cost center's code after its word
 * ("chargeback to CostCenter CC-4471", "the new cost center 70231", "Cost Center: 4410", "cost center #70231": digits,
 * or capitals, an optional "-" and digits; not an amount, "5000 USD"),
 * and the quoted name after "tag value" or "cost category" (`the Project tag value "Kestrel Scoring"`, `the cost
 * category "BrindleBusinessUnits"`: tagValueToken). Each word's search resumes past its hit.
 */
function proseTagValues(s: string, n: number, count: number): number {
  for (const lit of COST_CENTER_WORDS) {
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      // (review: the word, an optional ":", a blank, an optional "#": Cost Center: 4410, cost center #70231)
      let a = p + lit.length;
      if (a < n && byteAt(s, a) === 58) a++;
      const blank = a < n && byteAt(s, a) === 32;
      if (blank) a++;
      if (blank && a < n && byteAt(s, a) === 35) a++;
      if (blank && (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0)) {
        const caps = ch.runOf(s, a, a + 7 < n ? a + 7 : n, C_UPPER);
        let d = a + caps;
        if (caps > 0 && caps <= 6 && d < n && byteAt(s, d) === 45) d++;
        const digits = ch.runOf(s, d, d + 13 < n ? d + 13 : n, C_DIGIT);
        const e = d + digits;
        const c = e < n ? byteAt(s, e) : 32;
        const next = e + 1 < n ? byteAt(s, e + 1) : 32;
        if (
          digits >= (caps > 0 ? 2 : 3) &&
          digits <= 12 &&
          (cls(c) & C_ALNUM) === 0 &&
          c !== 45 &&
          c !== 37 &&
          !((c === 46 || c === 44) && (cls(next) & C_DIGIT) !== 0) &&
          // (review: nor an amount in a currency's code, CostCenter 5000 USD)
          !(
            c === 32 &&
            ch.runOf(s, e + 1, e + 4 < n ? e + 4 : n, C_UPPER) === 3 &&
            ch.runOf(s, e + 4, e + 5 < n ? e + 5 : n, C_ALNUM) === 0
          ) &&
          (caps > 0 || costCenterCode(lit, 0, lit.length, s, a, e))
        )
          count = span(count, a, e, HOST_ACCOUNT);
      }
      p = ch.indexFrom(s, lit, a);
    }
  }
  for (const lit of QUOTED_VALUE_WORDS) {
    let p = ch.firstOf(s, lit);
    while (p >= 0) {
      const a = p + lit.length;
      let b = a;
      while (b < n && b - a < 129 && byteAt(s, b) !== 34 && byteAt(s, b) !== 10) b++;
      if (
        b < n &&
        byteAt(s, b) === 34 &&
        (p === 0 || (cls(byteAt(s, p - 1)) & C_ALNUM) === 0) &&
        tagValueToken(s, a, b)
      )
        count = span(count, a, b, HOST_ACCOUNT);
      p = ch.indexFrom(s, lit, a);
    }
  }
  return count;
}

// (curResultColumns' columns: column in the line's characters, the header's name's start and end, -1 for the resource's)
const CUR_COLS: number[] = [];

/**
 * A Cost and Usage Report's query result as Athena's console or a SQL client aligns it (fifty-second pass): a header
 * of lower-case snake_case column names (and "#") apart by two blanks or more, one of them a cost allocation tag's
 * (resource_tags_user_team, resource_tags_user_cost_center) or the line item's resource (line_item_resource_id), and
 * rows under it up to a line of another shape: the cell that starts at such a column's offset is the tag's value
 * (tagValueToken; a cost center's code of digits too) or the resource's name (an ARN is left to its own reader). At
 * most 4,096 rows of 1,024 units and 16 such columns; the search resumes past the rows read.
 */
function curResultColumns(s: string, n: number, count: number): number {
  let p = ch.firstOf(s, "resource_tags_user_");
  while (p >= 0) {
    let ls = p;
    while (ls > 0 && p - ls < 1024 && byteAt(s, ls - 1) !== 10) ls--;
    let le = ch.indexFrom(s, "\n", p);
    if (le < 0) le = n;
    let next = le;
    let cols = 0;
    let ok = (ls === 0 || byteAt(s, ls - 1) === 10) && le - ls <= 4096;
    let tokens = 0;
    for (let k = ls; ok && k < le;) {
      const c = byteAt(s, k);
      if (c === 32 || c === 13) {
        k++;
        continue;
      }
      const a = k;
      while (
        k < le &&
        ((byteAt(s, k) >= 97 && byteAt(s, k) <= 122) ||
          byteAt(s, k) === 95 ||
          byteAt(s, k) === 35 ||
          (cls(byteAt(s, k)) & C_DIGIT) !== 0)
      )
        k++;
      // (a token of other units, or one blank only before the next: a sentence, a SELECT's list)
      if (k === a || (k < le && byteAt(s, k) !== 32 && byteAt(s, k) !== 13)) ok = false;
      else if (k + 1 < le && byteAt(s, k) === 32 && byteAt(s, k + 1) !== 32 && byteAt(s, k + 1) !== 13) ok = false;
      else {
        tokens++;
        const tag = k - a > 19 && ch.matchesAt(s, a, k, "resource_tags_user_");
        if ((tag || (k - a === 21 && ch.matchesAt(s, a, k, "line_item_resource_id"))) && cols < 16) {
          // (the header is ASCII: its offset is its column in characters, as a row's cells line up, "é" two units in
          // Lua's UTF-8 and one in Node's UTF-16, an emoji one and two: columnWidth below)
          CUR_COLS[3 * cols] = a - ls;
          CUR_COLS[3 * cols + 1] = a;
          CUR_COLS[3 * cols + 2] = tag ? k : -1;
          cols++;
        }
      }
    }
    if (ok && tokens >= 3 && cols > 0) {
      let r = le + 1;
      for (let rows = 0; rows < 4096 && r < n; rows++) {
        let re = ch.indexFrom(s, "\n", r);
        if (re < 0) re = n;
        if (re - r > 1024 || ch.runOf(s, r, re, C_ALNUM) === 0) break;
        // (a row is aligned: two blanks in a row; a sentence under the table ends it)
        let d = r + 1;
        while (d < re && !(byteAt(s, d) === 32 && byteAt(s, d - 1) === 32)) d++;
        if (d >= re) break;
        // (one walk along the row to each column's character, the columns left to right)
        let u = r;
        let w = 0;
        for (let m = 0; m < cols; m++) {
          while (u < re && (w < CUR_COLS[3 * m] || ch.columnWidth(byteAt(s, u)) === 0)) {
            w += ch.columnWidth(byteAt(s, u));
            u++;
          }
          const a = u;
          if (w !== CUR_COLS[3 * m] || a >= re || byteAt(s, a) <= 32 || (a > r && byteAt(s, a - 1) !== 32)) continue;
          let b = a;
          while (b < re && b - a < 128 && byteAt(s, b) !== 9 && byteAt(s, b) !== 13) {
            if (byteAt(s, b) === 32 && (b + 1 >= re || byteAt(s, b + 1) === 32)) break;
            b++;
          }
          const ke = CUR_COLS[3 * m + 2];
          if (
            ke >= 0
              ? tagValueToken(s, a, b) || costCenterCode(s, CUR_COLS[3 * m + 1], ke, s, a, b)
              : tagValueToken(s, a, b)
          )
            count = span(count, a, b, HOST_ACCOUNT);
        }
        next = re;
        r = re + 1;
      }
    }
    p = ch.indexFrom(s, "resource_tags_user_", next > p + 19 ? next : p + 19);
  }
  return count;
}
/**
 * Names in diagrams as code (fifty-first pass): the label of an AWS icon's PlantUML macro (aws-icons-for-plantuml,
 * `EC2Instance(wrk1, "settle-wrk-01", ...)`, in text that includes AWSPuml), a Mermaid flowchart's node text
 * (`alb[merchant-portal-alb]`, `db[(cardvault-aurora-cluster)]`, `pg[(pg-ledger-03<br/>...)]`), a Graphviz or draw.io
 * `label="x\n..."` (digraph, mxfile) and the `value` of a draw.io cell styled as an AWS 4 shape (`mxgraph.aws4.`): a
 * kebab or snake token standing as the whole text or as its first line (diagramToken). Each search resumes past its
 * hit; draw.io's style and tag end are found once per tag, not per value.
 */
function diagramNames(s: string, n: number, count: number): number {
  if (ch.firstOf(s, "AWSPuml") >= 0) {
    let p = ch.firstOf(s, ', "');
    while (p >= 0) {
      // (back over the alias to "(" and a macro's CamelCase name, opening its line after blanks)
      let k = p;
      while (k > 0 && p - k < 32 && ((cls(byteAt(s, k - 1)) & C_ALNUM) !== 0 || byteAt(s, k - 1) === 95)) k--;
      let m = k - 1;
      if (k < p && m > 0 && byteAt(s, m) === 40) {
        while (m > 0 && k - 1 - m < 48 && (cls(byteAt(s, m - 1)) & C_ALNUM) !== 0) m--;
        let l = m;
        while (l > 0 && m - l < 16 && (byteAt(s, l - 1) === 32 || byteAt(s, l - 1) === 9)) l--;
        const e =
          (cls(byteAt(s, m)) & C_UPPER) !== 0 && (l === 0 || byteAt(s, l - 1) === 10)
            ? diagramToken(s, p + 3, n, true)
            : -1;
        if (e > 0 && byteAt(s, e) === 34) count = span(count, p + 3, e, HOST_ACCOUNT);
      }
      p = ch.indexFrom(s, ', "', p + 3);
    }
  }
  if (ch.firstOf(s, "flowchart ") >= 0 || mermaidGraph(s)) {
    let p = s.indexOf("[");
    while (p >= 0) {
      // (a node's id right before it: alb[x], db[(x)]; its text may be quoted, alb["x"], db[("x")])
      let a = p + 1;
      if (a < n && byteAt(s, a) === 40) a++;
      const q = a < n && byteAt(s, a) === 34 ? 1 : 0;
      a += q;
      const e = p > 0 && (cls(byteAt(s, p - 1)) & C_ALNUM) !== 0 ? diagramToken(s, a, n, false) : -1;
      // (the unit after the text, past its closing quote)
      const c = e > 0 ? byteAt(s, e + (q === 1 && byteAt(s, e) === 34 ? 1 : 0)) : 0;
      if (
        e > 0 &&
        ((c === 93 && a === p + 1 + q && (q === 0 || byteAt(s, e) === 34)) ||
          (c === 41 && a === p + 2 + q && (q === 0 || byteAt(s, e) === 34) && byteAt(s, e + 1 + q) === 93) ||
          (c === 60 && byteAt(s, e) === 60 && ch.matchesAt(s, e, n, "<br")))
      )
        count = span(count, a, e, HOST_ACCOUNT);
      p = s.indexOf("[", e > a ? e : p + 1);
    }
  }
  if (ch.firstOf(s, "digraph") >= 0 || ch.firstOf(s, "<mxfile") >= 0) {
    let p = ch.firstOf(s, 'label="');
    while (p >= 0) {
      const a = p + 7;
      const e = diagramToken(s, a, n, false);
      if (e > 0 && diagramLineEnd(s, e, n)) count = span(count, a, e, HOST_ACCOUNT);
      p = ch.indexFrom(s, 'label="', e > a ? e : a);
    }
  }
  if (ch.firstOf(s, "mxgraph.aws4.") >= 0) {
    // (the tag's end and the next AWS 4 style, each found again only once passed: -1 becomes n)
    let gt = -1;
    let aws = -1;
    let p = ch.firstOf(s, 'value="');
    while (p >= 0) {
      const a = p + 7;
      if (gt < a) {
        gt = s.indexOf(">", a);
        if (gt < 0) gt = n;
      }
      if (aws < a) {
        aws = ch.indexFrom(s, "mxgraph.aws4.", a);
        if (aws < 0) aws = n;
      }
      const e = aws < gt ? diagramToken(s, a, n, true) : -1;
      if (e > 0 && diagramLineEnd(s, e, n)) count = span(count, a, e, HOST_ACCOUNT);
      p = ch.indexFrom(s, 'value="', e > a ? e : a);
    }
  }
  return count;
}

/**
 * True when s holds a Mermaid flowchart's header in its older form, "graph " and a direction (TD, TB, BT, LR, RL);
 * "graph " in prose is passed over, each search resuming past it.
 */
function mermaidGraph(s: string): boolean {
  let p = ch.firstOf(s, "graph ");
  while (p >= 0) {
    const d = sub(s, p + 6, p + 8 <= s.length ? p + 8 : p + 6);
    if (d === "TD" || d === "TB" || d === "BT" || d === "LR" || d === "RL") return true;
    p = ch.indexFrom(s, "graph ", p + 6);
  }
  return false;
}

/** True when a diagram's label line ends at e: its closing quote, Graphviz's escape \n / \l / \r, draw.io's &lt;br. */
function diagramLineEnd(s: string, e: number, n: number): boolean {
  const c = byteAt(s, e);
  if (c === 34) return true;
  if (c === 92) return e + 1 < n && (byteAt(s, e + 1) === 110 || byteAt(s, e + 1) === 108 || byteAt(s, e + 1) === 114);
  return c === 38 && ch.matchesAt(s, e, n, "&lt;br");
}

/**
 * The end of a diagram's name at a (diagramNames), or -1: lower case, digits, "-" and "_", one of these inside it, up
 * to 64 units; not an id of its own shape (<prefix>-<8 or 17 hex>). Unless loose (an AWS icon's label), also two
 * separators, a part of letters and digits (rst-jump01) or a marked part (prod, alb, euw1).
 */
function diagramToken(s: string, a: number, n: number, loose: boolean): number {
  if (a >= n || (cls(byteAt(s, a)) & C_LOWER) === 0) return -1;
  let e = a;
  let seps = 0;
  while (e < n && e - a < 64) {
    const c = byteAt(s, e);
    if (c === 45 || c === 95) seps++;
    else if ((cls(c) & (C_LOWER | C_DIGIT)) === 0) break;
    e++;
  }
  const last = byteAt(s, e - 1);
  if (seps === 0 || e - a < 4 || last === 45 || last === 95) return -1;
  let h = e;
  while (h > a && e - h < 18 && (cls(byteAt(s, h - 1)) & ch.C_HEX) !== 0) h--;
  if (byteAt(s, h - 1) === 45 && (e - h === 8 || e - h === 17) && h - a <= 12) return -1;
  if (!loose && seps < 2 && !mixedPart(s, a, e) && !markedParts(s, a, e)) return -1;
  return diagramWords(s, a, e, seps) ? e : -1;
}

/**
 * True when the diagram's token s[a, e) (seps separators) reads as the company's name (review of the fifty-first
 * pass: each was learned and masked in the prose): not a region's or an Availability Zone's name or id (us-east-1,
 * us-east-1a, use1-az1: AWS 4 region and AZ groups, Graphviz clusters), not AWS's own software (aws-load-balancer-
 * controller), no part a function word (build-and-test, point-in-time); of one separator, no compound adjective's or
 * CLI verb's parts (end-users, on-demand, auto-scaling, self-managed).
 */
function diagramWords(s: string, a: number, e: number, seps: number): boolean {
  if (regionName(s, a, e) || (e - a >= 10 && (cls(byteAt(s, e - 1)) & C_LOWER) !== 0 && regionName(s, a, e - 1)))
    return false;
  if (byteAt(s, a) === 97 && (ch.matchesAt(s, a, e, "aws-") || ch.matchesAt(s, a, e, "amazon-"))) return false;
  let part = a;
  let first = -1;
  for (let k = a; k <= e; k++) {
    const c = k < e ? byteAt(s, k) : 45;
    if (c !== 45 && c !== 95) continue;
    if (first < 0) first = k;
    if (functionWord(s, part, k)) return false;
    part = k + 1;
  }
  // (an AZ id: use1-az1, apse2-az3)
  if (seps === 1 && e - first >= 4 && byteAt(s, first + 1) === 97 && byteAt(s, first + 2) === 122) {
    if (ch.runOf(s, first + 3, e, C_DIGIT) === e - first - 3 && (cls(byteAt(s, first - 1)) & C_DIGIT) !== 0)
      return false;
  }
  return seps > 1 || (nameParts(s, a, first, e) && !notNameHead(s, a, first));
}

/** Adds the span [a, b) of kind to HOST_SPANS at index count; returns the new count. */
function span(count: number, a: number, b: number, kind: number): number {
  HOST_SPANS[3 * count] = a;
  HOST_SPANS[3 * count + 1] = b;
  HOST_SPANS[3 * count + 2] = kind;
  return count + 1;
}

/** The end of the first label of s[h, l) (l when it has one label). */
function unitOr(s: string, h: number, l: number): number {
  let k = h;
  while (k < l && byteAt(s, k) !== 46) k++;
  return k;
}

/** A unit of an address's local part: letters, digits, ".", "_", "%", "+", "-". */
function localUnit(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
