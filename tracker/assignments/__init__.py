"""A task's life after it is assigned: quick assignments (giao việc), deadline change requests
(đề nghị điều chỉnh thời hạn), transfer (chuyển chủ trì), withdrawal (thu hồi) and the
contributions of cooperating units (đơn vị phối hợp)."""
