//! The one Diesel schema shared by every backend: portable column types only
//! (BigInt, Text, Bool, Timestamp), so a query written once runs on SQLite and PostgreSQL.

diesel::table! {
    workspaces (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        service_rule -> Text,
        preferred_carrier -> Text,
        allocated_service -> Text,
        time_zone -> Text,
        holidays -> Text,
        handling_days -> BigInt,
        alert_hours -> Text,
        scorecard_version -> BigInt,
        artwork_check -> Bool,
        artwork_private_hosts -> Text,
        print_areas -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        supplier_id -> Nullable<BigInt>,
        time_zone -> Text,
        language -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    invites (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        supplier_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        account -> Text,
        ip -> Text,
        channel -> Text,
        succeeded -> Bool,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        workspace_id -> Nullable<BigInt>,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        subject -> Text,
        detail -> Text,
        ip -> Nullable<Text>,
        channel -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> workspaces (workspace_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(invites -> workspaces (workspace_id));

diesel::table! {
    tiktok_connections (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        open_id -> Text,
        seller_name -> Text,
        region -> Text,
        access_token_enc -> Text,
        access_expires_at -> BigInt,
        refresh_token_enc -> Text,
        refresh_expires_at -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shops (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        connection_id -> BigInt,
        tiktok_shop_id -> Text,
        name -> Text,
        region -> Text,
        cipher -> Text,
        code -> Text,
        status -> Text,
        sync_cursor -> BigInt,
        last_sync_at -> Nullable<Timestamp>,
        last_sync_ok_at -> Nullable<Timestamp>,
        last_sync_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        shop_id -> BigInt,
        tiktok_order_id -> Text,
        status -> Text,
        create_time -> BigInt,
        update_time -> BigInt,
        paid_time -> BigInt,
        ship_by -> BigInt,
        recipient_name -> Text,
        recipient_json -> Text,
        buyer_message -> Text,
        total_amount -> Text,
        currency -> Text,
        item_count -> BigInt,
        label_state -> Text,
        exception -> Nullable<Text>,
        synced_at -> Timestamp,
        routing -> Text,
        service_override -> Nullable<Text>,
        warehouse_id -> Text,
        dispatch_due -> BigInt,
        dispatch_due_source -> Text,
        handling_days -> BigInt,
        collected_at -> BigInt,
        delivered_at -> BigInt,
    }
}

diesel::table! {
    order_items (id) {
        id -> BigInt,
        order_id -> BigInt,
        tiktok_line_item_id -> Text,
        sku_id -> Text,
        seller_sku -> Text,
        product_name -> Text,
        sku_name -> Text,
        image_url -> Text,
        sale_price -> Text,
        status -> Text,
        tiktok_package_id -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        supplier_id -> Nullable<BigInt>,
        rule_id -> Nullable<BigInt>,
        routed_by -> Text,
    }
}

diesel::table! {
    order_events (id) {
        id -> BigInt,
        order_id -> BigInt,
        kind -> Text,
        detail -> Text,
        actor -> Text,
        channel -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_receipts (id) {
        id -> BigInt,
        notification_key -> Text,
        tiktok_shop_id -> Text,
        event_type -> BigInt,
        body -> Text,
        received_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    suppliers (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        name -> Text,
        contacts -> Text,
        ship_from -> Text,
        accepted_services -> Text,
        packaging -> Text,
        cutoff_times -> Text,
        time_zone -> Text,
        ack_deadline_hours -> BigInt,
        archived -> Bool,
        created_at -> Timestamp,
        tiktok_warehouse_ids -> Text,
        webhooks_private_ok -> Bool,
        language -> Text,
        print_layout -> Text,
        print_sort -> Text,
        page_size -> Text,
        label_file_template -> Text,
        zpl_dpi -> BigInt,
        artwork_delivery -> Text,
    }
}

diesel::table! {
    artwork_checks (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        url -> Text,
        status -> Text,
        sha256 -> Text,
        bytes -> BigInt,
        format -> Text,
        width_px -> BigInt,
        height_px -> BigInt,
        error -> Text,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    sku_rules (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        pattern -> Text,
        match_kind -> Text,
        priority -> BigInt,
        supplier_id -> BigInt,
        product_code -> Text,
        weight_grams -> Nullable<BigInt>,
        length_in -> Nullable<Text>,
        width_in -> Nullable<Text>,
        height_in -> Nullable<Text>,
        artwork -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    package_steps (id) {
        id -> BigInt,
        package_id -> BigInt,
        step -> Text,
        at -> Timestamp,
        channel -> Text,
        actor -> Text,
    }
}

diesel::joinable!(sku_rules -> suppliers (supplier_id));
diesel::joinable!(package_steps -> packages (package_id));

diesel::table! {
    dispatch_alerts (id) {
        id -> BigInt,
        package_id -> BigInt,
        hours -> BigInt,
        sent_at -> Timestamp,
    }
}
diesel::joinable!(shops -> tiktok_connections (connection_id));
diesel::joinable!(orders -> shops (shop_id));
diesel::joinable!(order_items -> orders (order_id));
diesel::joinable!(order_events -> orders (order_id));

diesel::table! {
    label_jobs (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        created_by -> Text,
        status -> Text,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    packages (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        job_id -> Nullable<BigInt>,
        order_id -> BigInt,
        supplier_id -> BigInt,
        intent_key -> Text,
        line_item_ids -> Text,
        weight_grams -> BigInt,
        dimensions -> Text,
        service_id -> Nullable<Text>,
        status -> Text,
        attempts -> BigInt,
        claimed_until -> Nullable<Timestamp>,
        tiktok_package_id -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        carrier -> Nullable<Text>,
        service_name -> Nullable<Text>,
        price -> Nullable<Text>,
        currency -> Nullable<Text>,
        label_sha256 -> Nullable<Text>,
        error_code -> Nullable<BigInt>,
        error_message -> Nullable<Text>,
        reprints -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        held_reason -> Nullable<Text>,
        voided_at -> Nullable<Timestamp>,
        voided_by -> Nullable<Text>,
        void_reason -> Nullable<Text>,
        worker -> Nullable<Text>,
        api_retries -> BigInt,
        last_retry -> Nullable<Text>,
    }
}

diesel::table! {
    /// Signed changes of the orders' tallies (kept by triggers; see `models::order_tally`).
    order_tallies (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        shop_id -> BigInt,
        status -> Text,
        label_state -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// A workspace's orders being routed again after a catalog change (see `models::routing_pass`).
    routing_passes (workspace_id) {
        workspace_id -> BigInt,
        after_order_id -> BigInt,
        routed -> BigInt,
        total -> BigInt,
        started_at -> Timestamp,
    }
}

diesel::table! {
    scorecard_days (workspace_id, supplier_id, day) {
        workspace_id -> BigInt,
        supplier_id -> BigInt,
        day -> BigInt,
        labels -> BigInt,
        decided -> BigInt,
        late -> BigInt,
        ack_histogram -> Text,
        scan_histogram -> Text,
        late_by_step -> Text,
        rejections -> Text,
        next_change -> BigInt,
    }
}

diesel::table! {
    scorecard_dirty (id) {
        id -> BigInt,
        package_id -> BigInt,
    }
}

diesel::table! {
    deployment_keys (name) {
        name -> Text,
        fingerprint -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    sftp_defense (key) {
        key -> Text,
        score -> BigInt,
        since -> Nullable<Timestamp>,
        banned_until -> Nullable<Timestamp>,
        bans -> BigInt,
    }
}

diesel::table! {
    rate_slots (bucket) {
        bucket -> Text,
        next_us -> BigInt,
        now_us -> BigInt,
    }
}

diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(packages -> orders (order_id));
diesel::joinable!(packages -> label_jobs (job_id));

diesel::table! {
    batches (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        supplier_id -> BigInt,
        seq -> BigInt,
        status -> Text,
        cutoff_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Text,
        sealed_at -> Nullable<Timestamp>,
        ack_due_at -> Nullable<Timestamp>,
        package_count -> BigInt,
        zip_sha256 -> Nullable<Text>,
        zip_bytes -> Nullable<BigInt>,
        labels_pdf_bytes -> Nullable<BigInt>,
        first_downloaded_at -> Nullable<Timestamp>,
        overdue_notified_at -> Nullable<Timestamp>,
        file_stem -> Text,
    }
}

diesel::table! {
    batch_packages (id) {
        id -> BigInt,
        batch_id -> BigInt,
        package_id -> BigInt,
        position -> BigInt,
        active -> Bool,
        ack_status -> Text,
        ack_reason -> Nullable<Text>,
        ack_expected_date -> Nullable<Text>,
        ack_by -> Nullable<Text>,
        ack_channel -> Nullable<Text>,
        ack_at -> Nullable<Timestamp>,
        pull_requested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ack_events (id) {
        id -> BigInt,
        batch_package_id -> BigInt,
        status -> Text,
        previous_status -> Text,
        reason -> Nullable<Text>,
        expected_date -> Nullable<Text>,
        actor -> Text,
        channel -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    batch_downloads (id) {
        id -> BigInt,
        batch_id -> BigInt,
        file -> Text,
        actor -> Text,
        channel -> Text,
        first_byte -> BigInt,
        bytes -> BigInt,
        complete -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        supplier_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        scopes -> Text,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        supplier_id -> BigInt,
        url -> Text,
        description -> Text,
        events -> Text,
        secret_enc -> Text,
        disabled -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        msg_id -> Text,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        last_status_code -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        status_code -> Nullable<BigInt>,
        error -> Nullable<Text>,
        millis -> BigInt,
        response -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        workspace_id -> Nullable<BigInt>,
        kind -> Text,
        to_addr -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        secret_link -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(batch_packages -> batches (batch_id));
diesel::joinable!(batch_packages -> packages (package_id));
diesel::joinable!(ack_events -> batch_packages (batch_package_id));

diesel::table! {
    sftp_logins (id) {
        id -> BigInt,
        workspace_id -> BigInt,
        supplier_id -> BigInt,
        username -> Text,
        password_hash -> Nullable<Text>,
        allowed_networks -> Text,
        disabled -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sftp_keys (id) {
        id -> BigInt,
        login_id -> BigInt,
        public_key -> Text,
        fingerprint -> Text,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sftp_uploads (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        login -> Text,
        name -> Text,
        bytes -> BigInt,
        sha256 -> Text,
        outcome -> Text,
        result_name -> Text,
        result -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sftp_keys -> sftp_logins (login_id));

diesel::table! {
    handoff_ready (package_id) {
        package_id -> BigInt,
        ready_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    handoff_ready,
    leases,
    workspaces,
    users,
    sessions,
    invites,
    login_attempts,
    audit_events,
    tiktok_connections,
    shops,
    orders,
    order_items,
    order_events,
    webhook_receipts,
    suppliers,
    sku_rules,
    label_jobs,
    packages,
    package_steps,
    dispatch_alerts,
    scorecard_days,
    scorecard_dirty,
    order_tallies,
    routing_passes,
    batches,
    batch_packages,
    ack_events,
    batch_downloads,
    api_tokens,
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts,
    mail_outbox,
    password_resets,
    sftp_logins,
    sftp_keys,
    sftp_uploads,
);
