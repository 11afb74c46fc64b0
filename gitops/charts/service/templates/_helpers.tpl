{{/* Object names are the service name: the Dapr app id, the Service DNS name and the image name agree. */}}
{{- define "service.name" -}}
{{- required "name is required (set it in gitops/services/<app>/values.yaml)" .Values.name -}}
{{- end -}}

{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/part-of: tasktide
{{- end -}}

{{/* Version label is the short SHA: label values stop at 63 characters and humans read 12. */}}
{{- define "service.labels" -}}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | trunc 12 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "service.image" -}}
{{- $tag := required "image.tag is required" .Values.image.tag -}}
{{- if not (regexMatch "^[0-9a-f]{40}$" $tag) -}}
{{- fail (printf "image.tag must be a full git commit SHA, got %q" $tag) -}}
{{- end -}}
{{- printf "%s:%s" (required "image.repository is required" .Values.image.repository) $tag -}}
{{- end -}}

{{/* Non-root, read-only root FS, no privilege escalation, no capabilities: every container. */}}
{{- define "service.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end -}}

{{- define "service.podSecurityContext" -}}
runAsNonRoot: true
# The distroless bun images' "nonroot" user; fsGroup lets it write the emptyDir volumes.
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
"true" when the app asks its sidecar's secret store for anything. A Role with no resourceNames
would grant every Secret in the namespace, so a service that reads none gets no Role at all.
*/}}
{{- define "service.readsSecrets" -}}
{{- if or .Values.database.enabled .Values.secrets.keys (and .Values.secrets.appToken .Values.dapr.appTokenSecret) -}}true{{- end -}}
{{- end -}}

{{/*
The database URL for a migration Job, as a file (a PreSync Job has no sidecar to ask the secret
store, and credentials never go into env): TASKTIDE_CREDENTIALS_DIR/DATABASE_URL.
*/}}
{{- define "service.credentialsMount" -}}
- name: credentials
  mountPath: /var/run/secrets/tasktide
  readOnly: true
{{- end -}}
{{- define "service.credentialsVolume" -}}
- name: credentials
  secret:
    secretName: {{ .Values.database.secretName }}
    items:
      - key: {{ .Values.database.key }}
        path: DATABASE_URL
{{- end -}}

{{/* Small and bounded so a hook Job cannot starve the namespace quota. */}}
{{- define "service.jobResources" -}}
requests:
  cpu: 50m
  memory: 96Mi
limits:
  cpu: 500m
  memory: 256Mi
{{- end -}}

{{- define "service.minReplicas" -}}
{{- if eq .Values.autoscaling.mode "none" -}}{{ .Values.replicaCount }}{{- else -}}{{ .Values.autoscaling.minReplicas }}{{- end -}}
{{- end -}}

{{/*
The smoke test's pod template: /readyz and, for the api, one authenticated round trip against
"target". Run by the PostSync hook Job (the Service) and by a canary's analysis (the canary Service).
*/}}
{{- define "service.smokePodTemplate" -}}
{{- $root := .root -}}
{{- $target := .target -}}
{{- $name := include "service.name" $root -}}
metadata:
  labels:
    app.kubernetes.io/part-of: tasktide
    app.kubernetes.io/component: smoke-test
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- include "service.podSecurityContext" $root | nindent 4 }}
  containers:
    - name: smoke
      image: {{ include "service.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command: ["bun", "/smoke/smoke.ts"]
      env:
        - name: TARGET_URL
          value: {{ $target }}
        - name: SMOKE_AUTHENTICATED
          value: {{ $root.Values.smoke.authenticated | quote }}
        {{- if $root.Values.smoke.authenticated }}
        - name: SMOKE_EMAIL
          value: {{ $root.Values.smoke.email | quote }}
        # The password as a file, never in env (FR-H08).
        - name: SMOKE_CREDENTIALS_DIR
          value: /var/run/secrets/smoke
        {{- end }}
      resources:
        {{- include "service.jobResources" $root | nindent 8 }}
      securityContext:
        {{- include "service.containerSecurityContext" $root | nindent 8 }}
      volumeMounts:
        - name: smoke
          mountPath: /smoke
          readOnly: true
        - name: tmp
          mountPath: /tmp
        {{- if $root.Values.smoke.authenticated }}
        - name: smoke-credentials
          mountPath: /var/run/secrets/smoke
          readOnly: true
        {{- end }}
  volumes:
    - name: smoke
      configMap:
        name: {{ $name }}-smoke
    {{- if $root.Values.smoke.authenticated }}
    - name: smoke-credentials
      secret:
        secretName: {{ $name }}-smoke
    {{- end }}
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
{{- end -}}
