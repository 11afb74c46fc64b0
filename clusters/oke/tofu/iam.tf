# External Secrets reads OCI Vault with the node's instance principal: the nodes form a dynamic
# group allowed to read secrets of this compartment, and nothing more.
resource "oci_identity_dynamic_group" "nodes" {
  compartment_id = var.tenancy_ocid
  name           = "tasktide-oke-nodes"
  description    = "OKE worker nodes of tasktide"
  matching_rule  = "ALL {instance.compartment.id = '${var.compartment_ocid}'}"
}

resource "oci_identity_policy" "nodes_read_secrets" {
  compartment_id = var.compartment_ocid
  name           = "tasktide-nodes-read-secrets"
  description    = "External Secrets on the tasktide nodes reads Vault secrets"
  statements = [
    "Allow dynamic-group ${oci_identity_dynamic_group.nodes.name} to read secret-family in compartment id ${var.compartment_ocid}",
  ]
}
