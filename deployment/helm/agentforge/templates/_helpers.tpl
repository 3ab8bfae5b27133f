{{/*
Names. The chart name (or nameOverride) is the application the services are part of; each
service's own name is its `app.kubernetes.io/name`, so selectors need only name and instance.
*/}}
{{- define "agentforge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "agentforge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: (list $ "swarm") → "<fullname>-swarm". */}}
{{- define "agentforge.componentName" -}}
{{- $ := index . 0 -}}
{{- printf "%s-%s" (include "agentforge.fullname" $) (index . 1) | trunc 63 | trimSuffix "-" -}}
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
{{- $deps := .Values.dependencies | default dict -}}
{{- $refs := dict -}}
{{- $candidates := list
  (list (dig "apiKey" nil (.Values.llm | default dict)) "apiKey")
  (list (dig "redis" "password" nil $deps) "password")
  (list (dig "nats" "credentials" nil $deps) "credentials")
  (list (dig "postgres" "password" nil $deps) "password") -}}
{{- range $candidates -}}
{{- $ref := index . 0 -}}
{{- if $ref -}}
{{- $key := $ref.key | default (index . 1) -}}
{{- $_ := set $refs $ref.secretRef (append (get $refs $ref.secretRef | default list) $key | uniq) -}}
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
{{- $_ := set $refs $ref.secretRef (append (get $refs $ref.secretRef | default list) $key | uniq) -}}
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
