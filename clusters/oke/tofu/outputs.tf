output "cluster_id" {
  value = oci_containerengine_cluster.tasktide.id
}

output "kubeconfig_command" {
  value = "oci ce cluster create-kubeconfig --cluster-id ${oci_containerengine_cluster.tasktide.id} --region ${var.region} --token-version 2.0.0 --kube-endpoint PUBLIC_ENDPOINT"
}

output "vault_id" {
  description = "Goes into clusters/oke/platform/secrets/tasktide-clustersecretstore.yaml."
  value       = oci_kms_vault.tasktide.id
}

output "secrets_key_id" {
  value = oci_kms_key.secrets.id
}

output "object_storage_namespace" {
  description = "Goes into the backup endpointURL in clusters/oke/platform/postgres/tasktide-pg-cluster.yaml."
  value       = data.oci_objectstorage_namespace.this.namespace
}
