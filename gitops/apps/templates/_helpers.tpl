{{- define "apps.cluster" -}}
{{- $c := required "cluster is required (clusters/<name>/values/platform.yaml)" .Values.cluster -}}
{{- if not (has $c (list "minikube" "oke")) }}{{ fail (printf "unknown cluster %q" $c) }}{{ end -}}
{{- $c -}}
{{- end -}}

{{/* Retries ride out the minutes an operator needs before its CRDs and webhooks answer. */}}
{{- define "apps.retry" -}}
retry:
  limit: 10
  backoff:
    duration: 10s
    factor: 2
    maxDuration: 5m
{{- end -}}

{{/*
Argo CD Notifications subscriptions (gitops/argocd/argocd-notifications-cm-configmap.yaml): one
annotation per trigger, sent to the configured service. Argument: the list of trigger names.
*/}}
{{- define "apps.subscriptions" -}}
{{- $service := .root.Values.notifications.service -}}
{{- range .triggers }}
notifications.argoproj.io/subscribe.{{ . }}.{{ $service }}: ""
{{- end }}
{{- end -}}
