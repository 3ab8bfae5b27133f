{{/*
Names. The chart name (or nameOverride) is the application the services are part of; each
service's own name is its `app.kubernetes.io/name`, so selectors need only name and instance.
*/}}
{{- define "agentforge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The prefix of every object's name. At most 42 characters, so the longest suffix
("-route-engine-ingress", 21) stays within 63 and "-backup" within the CronJob's 52; a longer
name keeps its first 33 characters and a hash of the whole, so two long release names never
truncate to the same prefix.
*/}}
{{- define "agentforge.fullname" -}}
{{- $full := "" -}}
{{- if .Values.fullnameOverride -}}
{{- $full = .Values.fullnameOverride -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- $full = .Release.Name -}}
{{- else -}}
{{- $full = printf "%s-%s" .Release.Name $name -}}
{{- end -}}
{{- end -}}
{{- if gt (len $full) 42 -}}
{{- printf "%s-%s" ($full | trunc 33 | trimSuffix "-") ($full | sha256sum | trunc 8) -}}
{{- else -}}
{{- $full -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: (list $ "swarm") → "<fullname>-swarm". */}}
{{- define "agentforge.componentName" -}}
{{- $ := index . 0 -}}
{{- printf "%s-%s" (include "agentforge.fullname" $) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The delivery mode: platform.configDelivery, else the tier default (TIER_DELIVERY_DEFAULTS in
schema: hot in development and staging, rollout in production). */}}
{{- define "agentforge.deliveryMode" -}}
{{- $default := ternary "rollout" "hot" (eq (.Values.tier | default "development") "production") -}}
{{- dig "configDelivery" $default (.Values.platform | default dict) -}}
{{- end -}}

{{/* An image with global.imageRegistry in place of its registry, when set. */}}
{{- define "agentforge.image" -}}
{{- $ := index . 0 -}}
{{- $image := index . 1 -}}
{{- $registry := dig "imageRegistry" "" ($.Values.global | default dict) -}}
{{- if $registry -}}
{{- $parts := splitList "/" $image -}}
{{- if and (gt (len $parts) 1) (regexMatch "[.:]|^localhost$" (first $parts)) -}}
{{- printf "%s/%s" $registry (join "/" (rest $parts)) -}}
{{- else -}}
{{- printf "%s/%s" $registry $image -}}
{{- end -}}
{{- else -}}
{{- $image -}}
{{- end -}}
{{- end -}}

{{/* Pull secrets: global.imagePullSecrets then imagePullSecrets (names or {name}). */}}
{{- define "agentforge.imagePullSecrets" -}}
{{- $names := list -}}
{{- range concat (dig "imagePullSecrets" list (.Values.global | default dict)) (.Values.imagePullSecrets | default list) -}}
{{- if kindIs "string" . -}}
{{- $names = append $names . -}}
{{- else -}}
{{- $names = append $names (dig "name" "" .) -}}
{{- end -}}
{{- end -}}
{{- range $names | uniq }}
- name: {{ . }}
{{- end -}}
{{- end -}}

{{/*
The process ConfigMap's data (docs/process-contract.md), as connectionVariables() in
env-templates: conventional connection variables without passwords; in rollout mode also
LOG_LEVEL and the document as AGENTFORGE_* variables.
*/}}
{{- define "agentforge.processVariables" -}}
{{- $deps := .Values.dependencies -}}
{{- $pg := $deps.postgres -}}
{{- $db := $pg.url -}}
{{- if not (regexMatch "[?&]sslmode=" $db) -}}
{{- $db = printf "%s%ssslmode=%s" $db (ternary "&" "?" (contains "?" $db)) ($pg.sslmode | default "prefer") -}}
{{- end -}}
{{- with $pg.caCert -}}
{{- $db = printf "%s&sslrootcert=/var/run/secrets/agentforge/%s/%s" $db .secretRef (.key | default "caCert") -}}
{{- end -}}
{{- $redis := $deps.redis.url -}}
{{- $path := (urlParse $redis).path -}}
{{- if or (eq $path "") (eq $path "/") -}}
{{- $redis = printf "%s/%v" (trimSuffix "/" $redis) (include "agentforge.scalar" ($deps.redis.db | default 0)) -}}
{{- end -}}
DATABASE_URL: {{ $db | quote }}
NATS_URL: {{ $deps.nats.url | quote }}
NODE_ENV: {{ ternary "development" "production" (eq .Values.tier "development") | quote }}
OTEL_SERVICE_NAMESPACE: "agentforge"
REDIS_URL: {{ $redis | quote }}
TZ: "UTC"
{{- if eq (include "agentforge.deliveryMode" .) "rollout" }}
LOG_LEVEL: {{ dig "level" "info" (.Values.logging | default dict) | quote }}
{{- $lines := "" }}
{{- range $key := include "agentforge.documentKeys" . | fromJsonArray }}
{{- if hasKey $.Values $key }}
{{- $lines = print $lines (include "agentforge.flatten" (list (printf "AGENTFORGE_%s" (include "agentforge.envSegment" $key)) (index $.Values $key))) }}
{{- end }}
{{- end }}
{{ $lines | trim }}
{{- end }}
{{- end -}}

{{/*
The pod template checksum of one service (list $ name): in hot mode over the restart-only
settings it reads (RESTART_ONLY_SETTINGS in @agentforge/schema: shared ones and its own entry's),
in rollout mode over the document with only its own service entry. Another service's change
never rolls it.
*/}}
{{- define "agentforge.restartChecksum" -}}
{{- $ := index . 0 -}}
{{- $name := index . 1 -}}
{{- $v := $.Values -}}
{{- $svc := index $v.services $name -}}
{{- $input := dict -}}
{{- if eq (include "agentforge.deliveryMode" $) "hot" -}}
{{- $deps := $v.dependencies | default dict -}}
{{- $sec := $v.security | default dict -}}
{{- $input = dict "name" $v.name "tier" $v.tier "namespace" (dig "namespace" "" ($v.platform | default dict)) "delivery" "hot"
  "redis" (list (dig "redis" "url" "" $deps) (dig "redis" "tls" false $deps) (dig "redis" "db" 0 $deps))
  "nats" (list (dig "nats" "url" "" $deps) (dig "nats" "tls" false $deps) (dig "nats" "jetstream" true $deps))
  "postgres" (list (dig "postgres" "url" "" $deps) (dig "postgres" "sslmode" "prefer" $deps) (dig "postgres" "pool" dict $deps))
  "security" (list (dig "tls" dict $sec) (dig "runAsNonRoot" true $sec) (dig "readOnlyRootFilesystem" true $sec))
  "secrets" (dig "backend" "kubernetes" ($v.secrets | default dict))
  "service" (list $svc.port $svc.image (dig "env" dict $svc)) -}}
{{- else -}}
{{- range $key := include "agentforge.documentKeys" $ | fromJsonArray -}}
{{- if and (hasKey $v $key) (ne $key "services") -}}
{{- $_ := set $input $key (index $v $key) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $input "service" $svc -}}
{{- end -}}
{{- toJson $input | sha256sum -}}
{{- end -}}

{{/* Whether the gateway terminates TLS. */}}
{{- define "agentforge.tls" -}}
{{- if dig "tls" "enabled" false (.Values.security | default dict) -}}true{{- end -}}
{{- end -}}

{{- define "agentforge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of a component: (list $ "swarm"). Only name and instance, which never change. */}}
{{- define "agentforge.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ $.Release.Name }}
{{- end -}}

{{/* Selector of every pod of the release (NetworkPolicies, ServiceMonitors). */}}
{{- define "agentforge.releaseSelectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ include "agentforge.name" . }}
{{- end -}}

{{/* The recommended labels of a component: (list $ "swarm"). */}}
{{- define "agentforge.labels" -}}
{{- $ := index . 0 -}}
helm.sh/chart: {{ include "agentforge.chart" $ }}
{{ include "agentforge.selectorLabels" . }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: {{ include "agentforge.name" $ }}
app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $.Release.Service }}
agentforge.io/environment: {{ $.Values.name }}
{{- with $.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Services that are deployed: a JSON list of names (a service is on unless `enabled: false`). */}}
{{- define "agentforge.enabledServices" -}}
{{- $names := list -}}
{{- range $name, $svc := .Values.services -}}
{{- if ne (toString (dig "enabled" true $svc)) "false" -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- end -}}
{{- toJson $names -}}
{{- end -}}

{{/* Fewest pods a service runs: its replicas, or minReplicas when it autoscales. */}}
{{- define "agentforge.minReplicas" -}}
{{- if dig "autoscaling" "enabled" false . -}}
{{- dig "autoscaling" "minReplicas" 1 . | int -}}
{{- else -}}
{{- dig "replicas" 1 . | int -}}
{{- end -}}
{{- end -}}

{{/*
The variable segment of a key, as toEnvSegment() in @agentforge/schema:
readOnlyRootFilesystem → READ_ONLY_ROOT_FILESYSTEM, route-engine → ROUTE_ENGINE.
*/}}
{{- define "agentforge.envSegment" -}}
{{- $s := regexReplaceAll "([a-z0-9])([A-Z])" . "${1}_${2}" -}}
{{- $s = regexReplaceAll "([A-Z]+)([A-Z][a-z])" $s "${1}_${2}" -}}
{{- $s | replace "-" "_" | upper -}}
{{- end -}}

{{/* A scalar as text: whole numbers without a decimal point or exponent (YAML numbers arrive as float64). */}}
{{- define "agentforge.scalar" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/*
Flattens (list "AGENTFORGE_SECTION" value) into `NAME: "value"` lines the way
toEnvironmentVariables() does: objects recurse with "__", lists become JSON, nulls are skipped.
*/}}
{{- define "agentforge.flatten" -}}
{{- $prefix := index . 0 -}}
{{- $value := index . 1 -}}
{{- if kindIs "map" $value -}}
{{- range $key, $child := $value -}}
{{- include "agentforge.flatten" (list (printf "%s__%s" $prefix (include "agentforge.envSegment" $key)) $child) -}}
{{- end -}}
{{- else if kindIs "slice" $value -}}
{{ $prefix }}: {{ toJson $value | quote }}
{{ else if not (kindIs "invalid" $value) -}}
{{ $prefix }}: {{ include "agentforge.scalar" $value | quote }}
{{ end -}}
{{- end -}}

{{/* The keys of the environment document inside the values. */}}
{{- define "agentforge.documentKeys" -}}
{{- toJson (list "name" "tier" "platform" "logging" "debug" "llm" "dependencies" "services" "monitoring" "security" "secrets" "features") -}}
{{- end -}}

{{/*
Secret references the platform-wide settings make, as JSON {secretName: [keys]}: the LLM API
key and the Redis, NATS and PostgreSQL credentials. Keys default to the field name, as in the
schema. Every service mounts these at /var/run/secrets/agentforge/<secretName>/<key>.
*/}}
{{- define "agentforge.platformSecretRefs" -}}
{{- $deps := include "agentforge.dependencies" . | fromJson -}}
{{- $refs := dict -}}
{{- $candidates := list
  (list (dig "apiKey" nil (.Values.llm | default dict)) "apiKey")
  (list (dig "redis" "password" nil $deps) "password")
  (list (dig "nats" "credentials" nil $deps) "credentials")
  (list (dig "postgres" "password" nil $deps) "password")
  (list (dig "postgres" "caCert" nil $deps) "caCert") -}}
{{- range $candidates -}}
{{- $ref := index . 0 -}}
{{- if $ref -}}
{{- $key := $ref.key | default (index . 1) -}}
{{- $_ := set $refs $ref.secretRef (append (get $refs $ref.secretRef | default list) $key | uniq | sortAlpha) -}}
{{- end -}}
{{- end -}}
{{- toJson $refs -}}
{{- end -}}

{{/* Every secret reference of the release (platform, Grafana admin, services' env) as JSON {secretName: [keys]}. */}}
{{- define "agentforge.allSecretRefs" -}}
{{- $refs := include "agentforge.platformSecretRefs" . | fromJson -}}
{{- $more := list -}}
{{- with dig "grafana" "adminPassword" nil (.Values.monitoring | default dict) -}}
{{- $more = append $more (list . "adminPassword") -}}
{{- /* The Grafana chart reads the admin user from the same Secret (admin.userKey). */ -}}
{{- $more = append $more (list (dict "secretRef" .secretRef "key" "admin-user") "admin-user") -}}
{{- end -}}
{{- range $name := include "agentforge.enabledServices" . | fromJsonArray -}}
{{- range $var, $value := dig $name "env" dict $.Values.services -}}
{{- if kindIs "map" $value -}}
{{- $more = append $more (list $value $var) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $more -}}
{{- $ref := index . 0 -}}
{{- $key := $ref.key | default (index . 1) -}}
{{- $_ := set $refs $ref.secretRef (append (get $refs $ref.secretRef | default list) $key | uniq | sortAlpha) -}}
{{- end -}}
{{- toJson $refs -}}
{{- end -}}

{{/*
The Secrets one service mounts (list $ name), as JSON {secretName: [keys]}: the platform's plus
its own `env` references. Every one is mounted at /var/run/secrets/agentforge/<secretName>/.
*/}}
{{- define "agentforge.serviceSecretRefs" -}}
{{- $ := index . 0 -}}
{{- $refs := include "agentforge.platformSecretRefs" $ | fromJson -}}
{{- $more := list -}}
{{- range $var, $value := dig (index . 1) "env" dict $.Values.services -}}
{{- if kindIs "map" $value -}}
{{- $more = append $more (list $value $var) -}}
{{- end -}}
{{- end -}}
{{- if eq (index . 1) "monitoring" -}}
{{- with dig "grafana" "adminPassword" nil ($.Values.monitoring | default dict) -}}
{{- $more = append $more (list . "adminPassword") -}}
{{- end -}}
{{- end -}}
{{- range $more -}}
{{- $ref := index . 0 -}}
{{- $key := $ref.key | default (index . 1) -}}
{{- $_ := set $refs $ref.secretRef (append (get $refs $ref.secretRef | default list) $key | uniq | sortAlpha) -}}
{{- end -}}
{{- toJson $refs -}}
{{- end -}}

{{/* A volume name for a Secret name (DNS subdomain → DNS label). */}}
{{- define "agentforge.secretVolume" -}}
{{- printf "secret-%s" (. | replace "." "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* An HTTP probe: (dict "probe" $probe "scheme" "HTTP"); unset fields take the schema's defaults. */}}
{{- define "agentforge.httpProbe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
  scheme: {{ .scheme }}
initialDelaySeconds: {{ dig "initialDelaySeconds" 0 .probe | int }}
periodSeconds: {{ dig "periodSeconds" 10 .probe | int }}
timeoutSeconds: {{ dig "timeoutSeconds" 1 .probe | int }}
failureThreshold: {{ dig "failureThreshold" 3 .probe | int }}
{{- end -}}

{{/* Pod security context meeting the restricted Pod Security Standard. (list $ uid) */}}
{{- define "agentforge.podSecurityContext" -}}
{{- $ := index . 0 -}}
runAsNonRoot: {{ dig "runAsNonRoot" true ($.Values.security | default dict) }}
runAsUser: {{ index . 1 }}
runAsGroup: {{ index . 1 }}
fsGroup: {{ index . 1 }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context meeting the restricted Pod Security Standard. */}}
{{- define "agentforge.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ dig "readOnlyRootFilesystem" true (.Values.security | default dict) }}
runAsNonRoot: {{ dig "runAsNonRoot" true (.Values.security | default dict) }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* TCP port of a URL, or the scheme's default: (list url defaultPort). */}}
{{- define "agentforge.urlPort" -}}
{{- $u := urlParse (index . 0) -}}
{{- $parts := splitList ":" $u.host -}}
{{- if gt (len $parts) 1 -}}{{ last $parts }}{{- else -}}{{ index . 1 }}{{- end -}}
{{- end -}}

{{/* Whether the monitoring.coreos.com/v1 API (the Prometheus operator) is served. */}}
{{- define "agentforge.hasMonitoringApi" -}}
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" -}}true{{- end -}}
{{- end -}}

{{/* ExternalSecret API version: v1 (External Secrets Operator ≥ 0.16) unless only v1beta1 is served. */}}
{{- define "agentforge.externalSecretsApiVersion" -}}
{{- if and (not (.Capabilities.APIVersions.Has "external-secrets.io/v1")) (.Capabilities.APIVersions.Has "external-secrets.io/v1beta1") -}}
external-secrets.io/v1beta1
{{- else -}}
external-secrets.io/v1
{{- end -}}
{{- end -}}

{{/*
HPA bounds of a service as JSON {min, max}: `replicas` stays the floor (minReplicas defaults to
it, and is never below it), so turning autoscaling on never scales a running service down; the
maximum is never below the minimum. As hpaBounds() in the Kustomize generator.
*/}}
{{- define "agentforge.hpaBounds" -}}
{{- $replicas := dig "replicas" 1 . | int -}}
{{- $min := max (dig "autoscaling" "minReplicas" $replicas . | int) $replicas -}}
{{- $max := max (dig "autoscaling" "maxReplicas" $min . | int) $min -}}
{{- toJson (dict "min" $min "max" $max) -}}
{{- end -}}

{{/*
dependencies with the bundled subcharts' Secrets filled in, as JSON: with `redis.enabled` or
`postgresql.enabled` and no password reference of its own, the password is the subchart's
Secret (its existingSecret, else the one it creates), so the services and the mounted document
reference it.
*/}}
{{- define "agentforge.dependencies" -}}
{{- $deps := deepCopy (.Values.dependencies | default dict) -}}
{{- $redis := .Values.redis | default dict -}}
{{- if and (dig "enabled" false $redis) (not (dig "redis" "password" nil $deps)) (dig "auth" "enabled" true $redis) -}}
{{- $secret := dig "auth" "existingSecret" "" $redis | default (printf "%s" (dig "fullnameOverride" (printf "%s-redis" .Release.Name) $redis)) -}}
{{- $key := dig "auth" "existingSecretPasswordKey" "" $redis | default "redis-password" -}}
{{- $_ := set (index $deps "redis") "password" (dict "secretRef" $secret "key" $key) -}}
{{- end -}}
{{- $pg := .Values.postgresql | default dict -}}
{{- if and (dig "enabled" false $pg) (not (dig "postgres" "password" nil $deps)) -}}
{{- $secret := dig "auth" "existingSecret" "" $pg | default (printf "%s" (dig "fullnameOverride" (printf "%s-postgresql" .Release.Name) $pg)) -}}
{{- $key := dig "auth" "secretKeys" "userPasswordKey" "" $pg | default "password" -}}
{{- $_ := set (index $deps "postgres") "password" (dict "secretRef" $secret "key" $key) -}}
{{- end -}}
{{- toJson $deps -}}
{{- end -}}
