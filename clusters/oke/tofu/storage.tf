# CloudNativePG base backups and WAL archive (S3-compatible API). Always Free includes 20 GB of
# object storage; retention in the Cluster is 14 days.
data "oci_objectstorage_namespace" "this" {
  compartment_id = var.compartment_ocid
}

resource "oci_objectstorage_bucket" "pg_backups" {
  compartment_id = var.compartment_ocid
  namespace      = data.oci_objectstorage_namespace.this.namespace
  name           = "tasktide-pg-backups"
  access_type    = "NoPublicAccess"
  versioning     = "Disabled"
}
